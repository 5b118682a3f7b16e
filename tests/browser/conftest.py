"""Headless Chromium for the browser tests: one per test session, offline, its console kept.

Selenium drives Debian's ``chromium`` through Debian's ``chromium-driver`` (``make browser``
installs both when missing). Both are named explicitly and Selenium Manager runs offline, so
nothing is downloaded at test time. Every host name resolves to nothing but the loopback
(``--host-resolver-rules``), so a page cannot reach the network, and Chrome's DevTools
performance log records each request it tried, which :meth:`Browser.foreign_requests` reads.

Where the browser cannot start, the tests fail with the reason when ``$CI`` or
``$GREENNB_REQUIRE_BROWSER`` is set (``.ci/run`` sets the latter) and are skipped, with the
reason, elsewhere. ``$GREENNB_CHROMIUM`` and ``$GREENNB_CHROMEDRIVER`` name other binaries;
``$GREENNB_SCREENSHOTS`` names a folder that also receives a copy of every screenshot.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
from pathlib import Path

import pytest

import greennb as gnb
from greennb.runs import RunRecord

#: Chromium's flags: headless, no sandbox (root in a container), /tmp instead of a small
#: /dev/shm, no background traffic, and every host but the loopback unresolvable.
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--window-size=1400,1000",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
)
#: URL prefixes a page may load from without leaving the machine: local schemes, and the
#: loopback (where ``greennb explore`` and Voilà serve, over HTTP and websockets).
LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:", "http://127.0.0.1:", "ws://127.0.0.1:")
#: The environment variables that make a browser that cannot start a failure, not a skip.
REQUIRE_VARIABLES = ("CI", "GREENNB_REQUIRE_BROWSER")


def _required() -> bool:
    """Whether this run must have a browser (CI), rather than skip without one."""
    return any(
        os.environ.get(name, "").strip().lower() not in ("", "0", "false", "no")
        for name in REQUIRE_VARIABLES
    )


def _binary(variable: str, *names: str) -> str:
    """The binary that ``$variable`` names, else the first of ``names`` on PATH."""
    found = os.environ.get(variable) or next(filter(None, map(shutil.which, names)), None)
    if not found:
        raise FileNotFoundError(
            f"none of {', '.join(names)} is on PATH (set ${variable}); on Debian: "
            "apt-get install chromium chromium-driver, or `make browser`"
        )
    return found


def _start_chromium(profile: Path):
    """Start headless Chromium under chromedriver, with its console and network logged."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    # Selenium Manager would download a driver or a browser it cannot find: both are given
    # below, and offline mode forbids it anyway.
    os.environ["SE_OFFLINE"] = "true"
    os.environ["SE_AVOID_STATS"] = "true"
    options = webdriver.ChromeOptions()
    options.binary_location = _binary("GREENNB_CHROMIUM", "chromium", "chromium-browser")
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    service = Service(_binary("GREENNB_CHROMEDRIVER", "chromedriver"))
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(30)
    return driver


@pytest.fixture(scope="session")
def chromium(tmp_path_factory):
    """The session's headless Chromium (a Selenium WebDriver); skipped or failed without one."""
    try:
        driver = _start_chromium(tmp_path_factory.mktemp("chromium-profile"))
    except Exception as error:  # any reason it cannot start: a missing module, binary, crash
        lines = (getattr(error, "msg", None) or str(error)).splitlines()
        message = "; ".join(line.strip() for line in lines[:2] if line.strip())  # no stack
        reason = f"headless Chromium cannot start: {type(error).__name__}: {message}"
        if _required():
            pytest.fail(f"{reason} (browser required: $CI or $GREENNB_REQUIRE_BROWSER)", False)
        pytest.skip(reason)
    yield driver
    driver.quit()


class Browser:
    """One test's view of the session's Chromium: open a file, read its logs, screenshot it.

    Parameters
    ----------
    driver : selenium.webdriver.Chrome
        The session's browser.
    folder : pathlib.Path
        Where screenshots go (the test's ``tmp_path``).
    """

    def __init__(self, driver, folder: Path) -> None:
        self.driver = driver
        self.folder = folder
        self._console: list[dict] = []
        self._requests: list[str] = []

    def open(self, path: Path) -> None:
        """Load a local file, forgetting what earlier pages logged."""
        self.visit(path.resolve().as_uri())

    def visit(self, url: str) -> None:
        """Load a URL (a local server's page), forgetting what earlier pages logged."""
        self.driver.get("about:blank")
        self._read_logs()
        self._console.clear()
        self._requests.clear()
        self.driver.get(url)

    def _read_logs(self) -> None:
        self._console += self.driver.get_log("browser")
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                self._requests.append(message["params"]["request"]["url"])

    def console_errors(self) -> list[str]:
        """The console's SEVERE messages (errors, failed loads) since :meth:`open`."""
        self._read_logs()
        return [entry["message"] for entry in self._console if entry["level"] == "SEVERE"]

    def requests(self) -> list[str]:
        """Every URL the page requested since :meth:`open`."""
        self._read_logs()
        return list(self._requests)

    def foreign_requests(self) -> list[str]:
        """The requested URLs that would leave the machine (not :data:`LOCAL_SCHEMES`)."""
        return [url for url in self.requests() if not url.startswith(LOCAL_SCHEMES)]

    def screenshot(self, name: str, *, full_page: bool = True) -> Path:
        """Save the page as ``<name>.png``; return its path.

        ``full_page`` takes the whole page, not only the window; Chromium then lays the page
        out at its full height, which drops a hover label: take a hover with ``False``. The
        file lies in the test's folder and, when ``$GREENNB_SCREENSHOTS`` is set, is copied
        there too.
        """
        settings = {"format": "png"}
        if full_page:
            size = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
            clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"]}
            settings.update(captureBeyondViewport=True, clip={**clip, "scale": 1})
        shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", settings)
        path = self.folder / f"{name}.png"
        path.write_bytes(base64.b64decode(shot["data"]))
        if copies := os.environ.get("GREENNB_SCREENSHOTS"):
            Path(copies).mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, Path(copies) / path.name)
        return path


@pytest.fixture
def browser(chromium, tmp_path):
    """A :class:`Browser` over the session's Chromium, its screenshots in ``tmp_path``."""
    return Browser(chromium, tmp_path)


def _write_store(root, runs, hmda, synthetic, energy_result):
    """Write runs under ``root``: per ``<case>/<run folder>``, its dataset, parameters and,
    per model, (accuracy, training kWh, the score above which the synthetic predictions say
    1, which sets R)."""
    X, y, group = synthetic
    datasets = {"hmda": hmda[0], "covid_testing": gnb.load_dataset("covid_testing")}
    for run, (dataset, parameters, models) in runs.items():
        record = RunRecord(
            run.split("/")[0],
            parameters={"quick": True, **parameters},
            run_dir=root / run,
            country="FRA",
            pue=1.2,
            renewable_share=0.5,
        )
        record.set_dataset(datasets[dataset])
        for model, (accuracy, kwh, threshold) in models.items():
            sri = gnb.social_responsibility_index(
                y, (X[:, 0] > threshold).astype(int), sensitive_features=group
            )
            record.add_model(
                model,
                quality={"accuracy": accuracy},
                energy=[energy_result(kwh, 10.0, phase="train")],
                fairness=sri,
            )
        record.write(close_energy=False)


@pytest.fixture
def write_store(hmda, synthetic, energy_result):
    """A function ``write(root, runs)`` that writes a run store of known results (above)."""
    return lambda root, runs: _write_store(root, runs, hmda, synthetic, energy_result)
