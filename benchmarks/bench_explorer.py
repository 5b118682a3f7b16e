"""``greennb explore``: the first page's time in headless Chromium, and a refresh at 1,000 runs.

Run from the repository root (about a minute; needs Debian's chromium and chromium-driver)::

    .venv/bin/python benchmarks/bench_explorer.py --source /tmp/after5

It serves the explorer (:func:`greennb.report.start_explorer`, as ``greennb explore`` does,
Voilà with a pre-heated kernel) over two stores: the records of ``--source`` as they are, and
``--runs`` synthetic copies of them (``bench_report.build_store``). For each it times, side by
side:

* the start: until the URL is printed, which waits for the server's pre-heated kernel to have
  read the store and built the explorer;
* the first page, and the page opened again (a kernel pre-heated while the first page was
  open): from the request to the shown count (the filters and header are up) and to every
  trade-off panel drawn by plotly, against the target of 3 s;
* in this process: building an :class:`~greennb.report.Explorer` (reading the store), a
  refresh, and a filter change (the redraw), without a front end.

Target from issue 12: the explorer's first page in <= 3 s on this machine.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

from bench_report import build_store

from greennb.report import Explorer, start_explorer

TARGET_SECONDS = 3.0
#: Whether the page shows its count and has drawn every plot (JS).
SHOWN_JS = "return !!document.querySelector('.greennb-count');"
DRAWN_JS = """
const plots = [...document.querySelectorAll('.js-plotly-plot')];
return plots.length > 0 && plots.every(gd => gd._fullLayout && gd.querySelector('.main-svg'));
"""


def _chromium():
    """Headless Debian chromium through its chromedriver (nothing downloaded)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ["SE_OFFLINE"] = "true"
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 "--window-size=1400,1000"):  # fmt: skip
        options.add_argument(flag)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def _wait(driver, script: str, timeout_s: float = 120.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not driver.execute_script(script):
        if time.monotonic() > deadline:
            raise SystemExit(f"the page did not get there in {timeout_s:.0f} s: {script[:60]}")
        time.sleep(0.02)


def _page_times(driver, url: str) -> tuple[float, float]:
    """Return the seconds from the request to the shown count, and to every plot drawn."""
    driver.get("about:blank")
    start = time.perf_counter()
    driver.get(url)
    _wait(driver, SHOWN_JS)
    shown = time.perf_counter() - start
    _wait(driver, DRAWN_JS)
    return shown, time.perf_counter() - start


def _in_process(root: Path) -> tuple[float, float, float]:
    """Return the seconds to build an Explorer, to refresh it and to redraw on a filter."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        explorer = Explorer(root)
        built = time.perf_counter() - start
        start = time.perf_counter()
        explorer.refresh()
        refreshed = time.perf_counter() - start
        case = explorer.filters["case"].options[1]
        start = time.perf_counter()
        explorer.filters["case"].value = case
        return built, refreshed, time.perf_counter() - start


def _measure(driver, root: Path, label: str) -> None:
    start = time.perf_counter()
    server = start_explorer(root, port=0)
    ready = time.perf_counter() - start
    try:
        first = _page_times(driver, server.url)
        again = _page_times(driver, server.url)
    finally:
        server.stop()
    built, refreshed, redrawn = _in_process(root)
    runs = sum(1 for _ in root.glob("*/*/metrics.json"))
    print(f"{label}: {runs} runs")
    print(f"  greennb explore until the URL is printed (first page pre-heated): {ready:.2f} s")
    for name, (shown, drawn) in (("first page", first), ("opened again", again)):
        print(f"  page {name}: count shown {shown:.2f} s, every plot drawn {drawn:.2f} s "
              f"(target <= {TARGET_SECONDS:g} s: {drawn / TARGET_SECONDS:.2f}x of it)")  # fmt: skip
    print(f"  in process: Explorer() {built:.2f} s, refresh {refreshed:.2f} s, "
          f"filter change {redrawn:.2f} s")  # fmt: skip


def main_bench(argv: list[str] | None = None) -> None:
    """Serve the explorer over both stores; print the page and in-process times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--source",
        type=Path,
        default=Path("/tmp/after5"),
        help="run store measured, and copied (default: /tmp/after5)",
    )
    parser.add_argument("--runs", type=int, default=1000, help="synthetic runs (default: 1000)")
    args = parser.parse_args(argv)  # fmt: skip
    driver = _chromium()
    try:
        _measure(driver, args.source, f"the store {args.source}")
        with tempfile.TemporaryDirectory(prefix="bench-explorer-") as folder:
            root = Path(folder) / "runs"
            build_store(args.source, root, args.runs)
            _measure(driver, root, f"{args.runs} synthetic copies")
    finally:
        driver.quit()


if __name__ == "__main__":
    sys.exit(main_bench())
