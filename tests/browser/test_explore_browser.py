"""``greennb explore`` and a notebook's widget, served by Voilà, in headless Chromium.

The explorer is started as the command starts it (:func:`greennb.report.start_explorer`, on a
free port of 127.0.0.1) over a store of known runs: the page loads on the newest run's case, a
filter changes the plotted runs and the shown count, one run's details appear, a run that
lands while the page is open appears by itself, nothing leaves the machine and the console
stays free of errors. A notebook that calls :func:`greennb.plots.sri_widget` as the case
notebooks do is served the same way: moving the bar slider changes the displayed R, and
the figure follows.
"""

from __future__ import annotations

import re
import textwrap
import time

import nbformat
import pytest

from greennb.report import start_explorer
from greennb.report._explore_app import start_voila

RUN_A = "finance/20250101T000000_000000Z-aaaaaaaa"
RUN_B = "finance/20250102T000000_000000Z-bbbbbbbb"
RUN_C = "medical/20250103T000000_000000Z-cccccccc"
RUN_D = "medical/20250104T000000_000000Z-dddddddd"
#: Per run: dataset, parameters and per model (accuracy, training kWh, the score threshold).
RUNS = {
    RUN_A: ("hmda", {"seed": 0, "learning_rate": 0.01},
            {"logistic": (0.81, 2.0, 0.3), "mlp": (0.86, 10.0, 0.0)}),
    RUN_B: ("hmda", {"seed": 0, "learning_rate": 0.1}, {"logistic": (0.79, 0.9, 0.5)}),
    RUN_C: ("covid_testing", {"seed": 0}, {"logistic": (0.70, 4.0, 0.1)}),
}  # fmt: skip
#: The run that lands while the page is open.
LANDING = {RUN_D: ("covid_testing", {"seed": 1}, {"logistic": (0.72, 3.0, 0.2)})}
ALL_RUNS = [*RUNS, *LANDING]
#: The run ids named by the hover texts of the plotted points (Pareto circles left out).
PLOTTED_RUNS_JS = """
const runs = arguments[0], named = [];
for (const gd of document.querySelectorAll('.js-plotly-plot')) {
  for (const trace of gd.data || []) {
    if (trace.name === 'Pareto front') continue;
    for (const text of trace.text || []) named.push(...runs.filter(run => text.includes(run)));
  }
}
return named;
"""
#: The drill-down's text, once it shows the energy phases.
DETAILS_JS = """
const details = document.querySelector('.greennb-details');
return details && details.textContent.includes('Energy phases') && details.textContent;
"""
#: The shown count's numbers, once the explorer has drawn it.
COUNT_JS = """
const count = document.querySelector('.greennb-count');
return count && [Number(count.dataset.points), Number(count.dataset.runs)];
"""
#: A notebook cell as the case notebooks write it: a widget over fixed predictions.
WIDGET_CELL = textwrap.dedent("""
    import numpy as np
    from greennb import plots

    rng = np.random.default_rng(0)
    groups = np.where(rng.random(600) < 0.5, "a", "b")
    y_true = rng.integers(0, 2, 600)
    y_pred = (rng.random(600) + 0.15 * (groups == "a") > 0.55).astype(int)
    explorer = plots.sri_widget(y_true, y_pred, groups, pos_label=1, bar=0.8)
""")
#: The src of the widget's figure (an ipywidgets Image under Voilà), as ``src``.
FIGURE_JS = "const src = document.querySelector('img.greennb-widget-figure')?.src;"
R_TEXT = re.compile(r"R = ([0-9.]+)</b> \(A = ([0-9.]+), B = ([0-9.]+)")


def _wait(page, script, *args, timeout_s: float = 30.0):
    """Return the script's first truthy result, polled until ``timeout_s`` (s)."""
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(page.driver, timeout_s, poll_frequency=0.2).until(
        lambda driver: driver.execute_script(script, *args)
    )


def _select(page, css: str, text: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    Select(page.driver.find_element(By.CSS_SELECTOR, f"{css} select")).select_by_visible_text(text)


def _plotted(page) -> list[str]:
    return page.driver.execute_script(PLOTTED_RUNS_JS, ALL_RUNS)


def _wait_plotted(page, runs: list[str], timeout_s: float = 30.0) -> None:
    """Wait until the plotted points name exactly ``runs`` (one point each), else fail."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        WebDriverWait(page.driver, timeout_s, poll_frequency=0.2).until(
            lambda _: sorted(_plotted(page)) == sorted(runs)
        )
    except TimeoutException:
        pytest.fail(f"plotted points name {sorted(_plotted(page))}, not {sorted(runs)}")


@pytest.fixture
def explorer_page(browser, tmp_path, write_store):
    """The explorer over the store of :data:`RUNS`, open in the browser; its store's root."""
    root = tmp_path / "store"
    write_store(root, RUNS)
    server = start_explorer(root, port=0)
    try:
        browser.visit(server.url)
        yield browser, root
    finally:
        server.stop()


def test_explorer_plots_filters_details_and_new_runs_offline(explorer_page, write_store):
    page, root = explorer_page
    assert _wait(page, COUNT_JS) == [1, 1]  # it opens on the newest run's case
    _wait_plotted(page, [RUN_C])
    _select(page, ".greennb-filter-case", "(all)")
    _wait(page, "return document.querySelector('.greennb-count').dataset.points === '4'")
    _wait_plotted(page, [RUN_A, RUN_A, RUN_B, RUN_C])  # one point per (run, model)
    page.screenshot("explorer")

    _select(page, ".greennb-filter-case", "medical")
    _wait(page, "return document.querySelector('.greennb-count').dataset.points === '1'")
    _wait_plotted(page, [RUN_C])
    details = _wait(page, DETAILS_JS)
    assert RUN_C in details and "Per group" in details

    write_store(root, LANDING)  # a run lands: the explorer's watch picks it up
    _wait(page, "return document.querySelector('.greennb-count').dataset.points === '2'")
    _wait_plotted(page, [RUN_C, RUN_D])
    assert page.foreign_requests() == []
    assert page.console_errors() == []  # read before the fixture stops the server


def test_a_notebook_widget_in_voila_recomputes_r_when_the_bar_moves(browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(WIDGET_CELL)])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    path = tmp_path / "widget.ipynb"
    nbformat.write(notebook, path)
    process, url = start_voila(path, port=0)
    try:
        browser.visit(url)
        summary = "return document.querySelector('.greennb-widget-summary')?.innerHTML"
        before = R_TEXT.search(_wait(browser, summary)).groups()
        assert before[2] == "0.80"
        figure_before = _wait(browser, FIGURE_JS + "return src;")
        handle = browser.driver.find_element(By.CSS_SELECTOR, ".greennb-control-bar .noUi-handle")
        handle.click()
        handle.send_keys(*[Keys.ARROW_RIGHT] * 5)
        after = R_TEXT.search(
            _wait(browser, summary + "?.includes('B = 0.80') ? null : " + summary[7:])
        ).groups()
        figure_after = _wait(browser, FIGURE_JS + f"return src !== {figure_before!r} && src;")
        time.sleep(1.0)  # the five key presses' redraws settle, for the screenshot
        browser.screenshot("widget")
        errors = browser.console_errors()  # before the server stops and its socket closes
    finally:
        process.terminate()
        process.wait(10)
    r, a, b = (float(v) for v in before)
    r2, a2, b2 = (float(v) for v in after)
    assert b2 > b and a2 == a  # the bar moved; the predictions, hence A, did not
    assert r2 == pytest.approx(a2 / b2, abs=2e-3) and r2 < r
    assert errors == []
    assert figure_after.startswith("blob:") or figure_after.startswith("data:")
