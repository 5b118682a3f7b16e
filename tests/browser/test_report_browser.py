"""The interactive report.html in headless Chromium, opened from file://.

Checks the report's DOM contract: the table of runs sorts on a header click and filters by
case, dataset and model (rows, the visible-row count and the plotted points); a point's hover
names its run and the parameters that differ; two chosen runs fill the comparison; nothing
is requested from the network and the console stays free of errors.

The run store is built in-process: three runs of known results (synthetic energy phases, an
SRI of synthetic predictions), two of them the finance case on hmda differing only in
``learning_rate``, one the medical case on covid_testing.
"""

from __future__ import annotations

import re

import pytest

from greennb.report import write_report

RUN_A = "finance/20250101T000000_000000Z-aaaaaaaa"
RUN_B = "finance/20250102T000000_000000Z-bbbbbbbb"
RUN_C = "medical/20250103T000000_000000Z-cccccccc"
#: Per run: its dataset, parameters and, per model, (accuracy, training kWh, the score above
#: which the synthetic predictions say 1, which sets R). The energies sort differently as
#: text ("10" before "2"), so that a numeric sort is told from an alphabetical one.
RUNS = {
    RUN_A: ("hmda", {"seed": 0, "learning_rate": 0.01},
            {"logistic": (0.81, 2.0, 0.3), "mlp": (0.86, 10.0, 0.0)}),
    RUN_B: ("hmda", {"seed": 0, "learning_rate": 0.1},
            {"logistic": (0.79, 0.9, 0.5), "mlp": (0.88, 30.0, -0.3)}),
    RUN_C: ("covid_testing", {"seed": 0}, {"logistic": (0.70, 4.0, 0.1)}),
}  # fmt: skip

#: The energy columns the table may show (the first one present is sorted).
ENERGY_COLUMNS = ("energy_kwh", "train_kwh", "total_kwh")
#: The trade-off panels the store must give: (view, case, dataset, quality metric).
PANELS = {
    (view, case, dataset, "accuracy")
    for view in ("quality-energy", "quality-sri", "energy-sri")
    for case, dataset in (("finance", "hmda"), ("medical", "covid_testing"))
}
NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?", re.IGNORECASE)

#: The run ids named by each drawn point of the visible trade-off plots (JS, given the ids).
DRAWN_RUNS_JS = """
const runs = arguments[0], named = [];
for (const gd of document.querySelectorAll('.tradeoff-plot')) {
  if (gd.offsetParent === null) continue;
  for (const layer of gd.querySelectorAll('.scatterlayer .trace')) {
    const trace = layer.__data__ && layer.__data__[0] && layer.__data__[0].trace;
    if (!trace || trace.visible === false || trace.visible === 'legendonly') continue;
    for (const point of layer.querySelectorAll('path.point')) {
      if (point.style.opacity === '0' || point.style.display === 'none') continue;
      const i = point.__data__.i;
      const text = [trace.hovertext, trace.text, trace.customdata]
        .map(a => Array.isArray(a) ? JSON.stringify(a[i]) : (a ? String(a) : '')).join(' ')
        + ' ' + (point.__data__.htx || '') + ' ' + (point.__data__.tx || '');
      named.push(...runs.filter(run => text.includes(run)));
    }
  }
}
return named;
"""
#: The cell texts of the runs table's visible rows in one column (JS, given its name).
COLUMN_JS = """
const heads = [...document.querySelectorAll('#runs thead th')];
const index = heads.findIndex(th => th.dataset.column === arguments[0]);
if (index < 0) return null;
return [...document.querySelectorAll('#runs tbody tr')]
  .filter(tr => tr.style.display !== 'none').map(tr => tr.cells[index].textContent.trim());
"""
#: Whether every trade-off plot (if any) has been drawn by plotly.
DRAWN_JS = """
return [...document.querySelectorAll('.tradeoff-plot')]
  .every(gd => gd._fullLayout && gd.querySelector('.main-svg'));
"""


@pytest.fixture(scope="session")
def _reports():
    """The report written for this session (built on first use)."""
    return {}


@pytest.fixture
def report(_reports, tmp_path_factory, write_store):
    """The path of report.html over the store of :data:`RUNS`, written once per session."""
    if "html" not in _reports:
        root = tmp_path_factory.mktemp("store")
        write_store(root, RUNS)
        _reports["html"] = write_report(root, root / "report") / "report.html"
    return _reports["html"]


@pytest.fixture
def page(browser, report):
    """The browser with report.html open from file:// and its plots drawn."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    browser.open(report)
    try:  # a plot never drawn is left to the tests to fail on
        WebDriverWait(browser.driver, 10).until(lambda driver: driver.execute_script(DRAWN_JS))
    except TimeoutException:
        pass
    return browser


def _run(page, script, *args):
    return page.driver.execute_script(script, *args)


def _visible_runs(page) -> list[str]:
    return _run(
        page,
        "return [...document.querySelectorAll('#runs tbody tr')]"
        ".filter(tr => tr.style.display !== 'none').map(tr => tr.dataset.run);",
    )


def _select(page, element_id: str, value: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    Select(page.driver.find_element(By.ID, element_id)).select_by_value(value)


def _numbers(text: str) -> list[float]:
    return [float(n) for n in NUMBER.findall(text.replace("\u2212", "-"))]


def _assert_clean(page) -> None:
    """Nothing left the machine and the console holds no error."""
    assert page.foreign_requests() == []
    assert page.console_errors() == []


def test_report_loads_offline_with_plotly_inline_once_and_no_console_error(page):
    driver = page.driver
    shot = page.screenshot("report")
    assert shot.stat().st_size > 10_000
    assert page.console_errors() == []
    requests = page.requests()
    assert requests and requests[0].startswith("file:")
    assert page.foreign_requests() == []
    assert _run(page, "return document.querySelectorAll('script[src]').length") == 0
    assert _run(page, "return typeof window.Plotly") == "object"
    big_scripts = "return [...document.scripts].filter(s => s.text.length > 1e6).length"
    assert _run(page, big_scripts) == 1  # plotly.js, embedded once
    assert sorted(_visible_runs(page)) == sorted([RUN_A, RUN_A, RUN_B, RUN_B, RUN_C])
    assert driver.find_element("id", "shown-count").text.strip() == "5"


def test_rows_carry_case_dataset_and_model(page):
    rows = _run(
        page,
        "return [...document.querySelectorAll('#runs tbody tr')]"
        ".map(tr => [tr.dataset.run, tr.dataset.case, tr.dataset.dataset, tr.dataset.model]);",
    )
    expected = [
        [run, run.split("/")[0], dataset, model]
        for run, (dataset, _, models) in RUNS.items()
        for model in models
    ]
    assert sorted(rows) == sorted(expected)


def _click_header(page, column: str) -> str:
    from selenium.webdriver.common.by import By

    header = page.driver.find_element(By.CSS_SELECTOR, f'#runs th[data-column="{column}"]')
    header.click()
    return header.get_attribute("data-sorted")


def _shown_columns(page) -> list[str]:
    heads = "return [...document.querySelectorAll('#runs thead th')].map(th => th.dataset.column)"
    return _run(page, heads)


@pytest.mark.parametrize("column", ["quality", "energy"])
def test_header_click_sorts_a_numeric_column_ascending_then_descending(page, column):
    shown = _shown_columns(page)
    if column == "energy":
        column = next((name for name in ENERGY_COLUMNS if name in shown), ENERGY_COLUMNS[0])
    assert column in shown, f"no <th data-column={column!r}> in #runs: {shown}"
    assert _click_header(page, column) == "asc"
    ascending = [_numbers(text)[0] for text in _run(page, COLUMN_JS, column)]
    assert ascending == sorted(ascending) and len(set(ascending)) == 5
    assert _click_header(page, column) == "desc"
    descending = [_numbers(text)[0] for text in _run(page, COLUMN_JS, column)]
    assert descending == sorted(ascending, reverse=True)
    _assert_clean(page)


def test_header_click_sorts_text_alphabetically(page):
    assert _click_header(page, "model") == "asc"
    assert _run(page, COLUMN_JS, "model") == ["logistic"] * 3 + ["mlp"] * 2
    assert _click_header(page, "model") == "desc"
    assert _run(page, COLUMN_JS, "model") == ["mlp"] * 2 + ["logistic"] * 3


def test_filter_options_list_all_then_each_value(page):
    options = "return [...document.getElementById(arguments[0]).options].map(o => o.value)"
    assert _run(page, options, "filter-case") == ["", "finance", "medical"]
    assert _run(page, options, "filter-dataset") == ["", "covid_testing", "hmda"]
    assert _run(page, options, "filter-model") == ["", "logistic", "mlp"]


def test_filters_hide_rows_update_the_count_and_hide_the_plotted_points(page):
    shown = page.driver.find_element("id", "shown-count")
    all_runs = [RUN_A, RUN_B, RUN_C]
    assert set(_run(page, DRAWN_RUNS_JS, all_runs)) == set(all_runs)

    _select(page, "filter-case", "medical")
    assert _visible_runs(page) == [RUN_C]
    assert shown.text.strip() == "1"
    assert set(_run(page, DRAWN_RUNS_JS, all_runs)) == {RUN_C}

    _select(page, "filter-case", "finance")
    _select(page, "filter-model", "mlp")
    assert sorted(_visible_runs(page)) == [RUN_A, RUN_B]
    assert shown.text.strip() == "2"
    assert set(_run(page, DRAWN_RUNS_JS, all_runs)) == {RUN_A, RUN_B}

    _select(page, "filter-case", "")
    _select(page, "filter-model", "")
    _select(page, "filter-dataset", "covid_testing")
    assert _visible_runs(page) == [RUN_C]
    _select(page, "filter-dataset", "")
    assert len(_visible_runs(page)) == 5
    assert shown.text.strip() == "5"
    assert set(_run(page, DRAWN_RUNS_JS, all_runs)) == set(all_runs)
    _assert_clean(page)


def test_one_plot_per_view_case_dataset_and_metric(page):
    panels = _run(
        page,
        "return [...document.querySelectorAll('.tradeoff-plot')]"
        ".map(gd => [gd.dataset.view, gd.dataset.case, gd.dataset.dataset, gd.dataset.metric]);",
    )
    assert sorted(map(tuple, panels)) == sorted(PANELS)


def test_r_views_draw_the_r_equals_1_line_and_quality_energy_marks_the_pareto_front(page):
    has_line = """
    const gd = arguments[0], one = v => Math.abs(v - 1) < 1e-9;
    const shapes = (gd._fullLayout.shapes || []).some(s => s.type === 'line'
      && ((one(s.x0) && one(s.x1)) || (one(s.y0) && one(s.y1))));
    const traces = gd.data.some(t => t.x && t.y && t.x.length > 1
      && ([...t.x].every(one) || [...t.y].every(one)));
    return shapes || traces;
    """
    pareto = "return /pareto/i.test(JSON.stringify(arguments[0].data.map(t => t.name || '')))"
    plots = page.driver.find_elements("css selector", ".tradeoff-plot")
    assert plots
    for gd in plots:
        view = gd.get_attribute("data-view")
        if view.endswith("-sri"):
            assert _run(page, has_line, gd), f"no R = 1 line in {view}"
        else:
            assert _run(page, pareto, gd), f"no trace named Pareto in {view}"


def test_hovering_a_point_shows_its_run_and_the_parameters_that_differ(page):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.support.ui import WebDriverWait

    point = _run(
        page,
        """
        for (const gd of document.querySelectorAll('.tradeoff-plot[data-view="quality-energy"]'))
          for (const layer of gd.querySelectorAll('.scatterlayer .trace')) {
            const trace = layer.__data__[0].trace;
            for (const p of layer.querySelectorAll('path.point'))
              if (JSON.stringify([trace.hovertext, trace.text, trace.customdata]
                    .map(a => Array.isArray(a) ? a[p.__data__.i] : a)).includes(arguments[0])) {
                p.scrollIntoView({block: 'center'});
                return p;
              }
          }
        return null;
        """,
        RUN_A,
    )
    assert point is not None, f"no quality-energy point names {RUN_A}"
    ActionChains(page.driver).move_to_element(point).perform()
    label = WebDriverWait(page.driver, 5).until(
        lambda driver: driver.execute_script(
            "const t = document.querySelector('.hoverlayer .hovertext');return t && t.textContent;"
        )
    )
    assert RUN_A in label
    assert "learning_rate=0.01" in label
    page.screenshot("report-hover", full_page=False)
    _assert_clean(page)


def _compare_rows(page) -> list[list[str]]:
    return _run(
        page,
        "return [...document.querySelectorAll('#compare-result tr')]"
        ".map(tr => [...tr.cells].map(c => c.textContent.trim()));",
    )


def test_choosing_two_runs_fills_the_comparison(page):
    from selenium.webdriver.support.ui import WebDriverWait

    options = "return [...document.getElementById(arguments[0]).options].map(o => o.value)"
    for select in ("compare-a", "compare-b"):
        assert {RUN_A, RUN_B, RUN_C} <= set(_run(page, options, select))
    _select(page, "compare-a", RUN_A)
    _select(page, "compare-b", RUN_B)
    WebDriverWait(page.driver, 5).until(
        lambda _: any(row and "learning_rate" in row[0] for row in _compare_rows(page))
    )
    rows = _compare_rows(page)
    (parameter,) = [row for row in rows if row and "learning_rate" in row[0]]
    assert {0.01, 0.1} <= set(_numbers(" ".join(parameter[1:])))
    assert not [row for row in rows if row and row[0].startswith("seed")]  # equal in both

    def values(model):
        (row,) = [r for r in rows if model in " ".join(r) and "accuracy" in " ".join(r)]
        return _numbers(" ".join(row))

    assert values("logistic")[:2] == pytest.approx([0.81, 0.79], abs=5e-3)
    assert values("mlp")[:2] == pytest.approx([0.86, 0.88], abs=5e-3)
    page.screenshot("report-compare")
    _assert_clean(page)
