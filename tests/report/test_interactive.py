"""The interactive report page: the DOM contract, offline, escaped, hover texts, panels.

No browser here (tests/browser drives one): the page's HTML and its JSON data block are parsed
and checked against the contract the browser tests rely on.
"""

from __future__ import annotations

import html as html_module
import json
import re
from html.parser import HTMLParser

import pytest
from plotly.offline import get_plotlyjs

from greennb import report
from greennb.errors import InvalidValueError
from greennb.plots import pareto_optimal
from greennb.report._interactive import OPTIONAL_COLUMNS, TABLE_COLUMNS
from greennb.report._tradeoff_views import R_LINE

FIRST_RUN = "finance/20250101T000000_000000Z-aaaaaaaa"  # the fake store's (conftest.py)


class _Page(HTMLParser):
    """Every start tag with its attributes, and the text of each <style> element."""

    def __init__(self, text: str):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.styles: list[str] = []
        self._in_style = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)

    def find(self, tag, **attributes):
        return [
            a
            for t, a in self.tags
            if t == tag and all(a.get(k) == v for k, v in attributes.items())
        ]


def _data(page: str) -> dict:
    block = re.search(
        r'<script type="application/json" id="report-data">(.*?)</script>', page, re.S
    )
    return json.loads(block.group(1))


@pytest.fixture
def fake_page(fake_store, tmp_path):
    """The fake store's report page and its table."""
    out = report.write_report(fake_store[0], tmp_path / "out")
    return (out / "report.html").read_text(encoding="utf-8"), report.collect_runs(fake_store[0])


def test_the_page_has_every_element_of_the_dom_contract(fake_page):
    page, table = fake_page
    parsed = _Page(page)
    assert len(parsed.find("table", id="runs")) == 1
    columns = [a["data-column"] for t, a in parsed.tags if t == "th" and "data-column" in a]
    assert columns[: len(TABLE_COLUMNS)] == list(TABLE_COLUMNS)
    assert set(columns[len(TABLE_COLUMNS) :]) <= set(OPTIONAL_COLUMNS)
    assert "machine_shared" in columns  # one model of the fake store ran on a shared machine
    assert "privacy_epsilon" not in columns  # no run records privacy: the column is left out
    for name in ("case", "dataset", "model"):
        (select,) = parsed.find("select", id=f"filter-{name}")
    options = [a["value"] for t, a in parsed.tags if t == "option"]
    assert options[0] == "" and {"", "finance", "hmda", "other", "mlp", "mlp-shared"} <= set(
        options
    )
    assert len(parsed.find("span", id="shown-count")) == 1
    assert re.search(r'<span id="shown-count">5</span>', page)
    assert parsed.find("select", id="compare-a") and parsed.find("select", id="compare-b")
    assert parsed.find("table", id="compare-result")
    plots = [a for t, a in parsed.tags if t == "div" and a.get("class") == "tradeoff-plot"]
    assert plots and {p["data-view"] for p in plots} == {"quality-energy"}  # no R recorded
    assert {(p["data-case"], p["data-dataset"], p["data-metric"]) for p in plots} == {
        ("finance", "hmda", "accuracy"),
        ("finance", "other", "accuracy"),
    }
    assert len(_data(page)["figures"]) == len(plots)


def test_one_row_per_run_and_model_with_its_attributes(fake_page):
    page, table = fake_page
    rows = _Page(page).find("tr")
    rows = [a for a in rows if "data-run" in a]
    assert len(rows) == len(table) == page.count("<tr data-row=")
    assert [r["data-run"] for r in rows] == table["run_id"].tolist()
    assert [r["data-model"] for r in rows] == table["model"].tolist()
    assert [r["data-dataset"] for r in rows] == table["dataset"].tolist()
    assert {r["data-case"] for r in rows} == {"finance"}
    assert [int(r["data-row"]) for r in rows] == list(range(len(table)))


def test_plotly_js_is_embedded_once_and_nothing_is_fetched(fake_page):
    page, _ = fake_page
    assert page.count(get_plotlyjs()[:500]) == 1
    parsed = _Page(page)
    links = [v for _, a in parsed.tags for k, v in a.items() if k in ("src", "href") and v]
    assert not [link for link in links if re.match(r"\s*(https?:)?//", link)]
    assert not [s for s in parsed.styles if re.search(r"url\(\s*['\"]?\s*(https?:)?//", s)]
    assert not parsed.find("link") and not [
        a for t, a in parsed.tags if t == "script" and "src" in a
    ]
    assert "MathJaxConfig: 'local'" in page


def test_the_parameters_that_differ_are_shown_and_in_the_hover_texts(fake_page):
    page, table = fake_page
    # Runs a and b: seed 0, inference_repeats 3; run c: seed 1 only.
    expected = {
        "finance/20250101T000000_000000Z-aaaaaaaa": "inference_repeats=3; seed=0",
        "finance/20250102T000000_000000Z-bbbbbbbb": "inference_repeats=3; seed=0",
        "finance/20250103T000000_000000Z-cccccccc": "inference_repeats=(unset); seed=1",
    }
    hover = _data(page)["hover"]
    for i, run in enumerate(table["run_id"]):
        assert f"parameters: {html_module.escape(expected[run])}" in hover[i]
        assert f"run {run}" in hover[i]
        assert f"<td>{html_module.escape(expected[run])}<td>" in page
    points = [
        row for figure in _data(page)["figures"] for trace in figure["data"]
        for row in trace["customdata"]
    ]  # fmt: skip
    assert set(points) == set(range(len(table)))  # every row is a point, hover by its row


def test_a_case_of_one_run_has_no_differing_parameters(store, tmp_path):
    out = report.write_report(store[0], tmp_path / "out")
    hover = _data((out / "report.html").read_text())["hover"]
    assert all("parameters: none differ between the case&#x27;s runs" in text for text in hover)


def test_views_never_mix_cases_datasets_or_metrics_and_draw_r_1(table):
    views = report.tradeoff_views(table)
    assert {v.view for v in views} == set(report.VIEWS)
    for view in views:
        rows = [row for trace in view.figure.data for row in trace.customdata]
        subset = table.iloc[sorted(set(rows))]
        assert set(subset["case"]) == {view.case} and set(subset["dataset"]) == {view.dataset}
        assert set(subset["quality_metric"]) == {view.metric}
        shapes = view.figure.layout.shapes
        if view.view == "quality-sri":
            assert [(s.x0, s.x1, s.name) for s in shapes] == [(1.0, 1.0, "R = 1")]
        elif view.view == "energy-sri":
            assert [(s.y0, s.y1, s.name) for s in shapes] == [(1.0, 1.0, "R = 1")]
        else:
            assert not shapes
        if view.view != "quality-energy":
            assert R_LINE in [a.text for a in view.figure.layout.annotations]
    # The single-group model has R = NaN: plotted against energy only.
    (single,) = table.index[table["model"] == "single-group"]
    in_r_views = {r for v in views if "sri" in v.view for t in v.figure.data for r in t.customdata}
    assert single not in in_r_views


def test_the_pareto_front_is_marked_in_quality_energy(table):
    (view,) = [
        v for v in report.tradeoff_views(table, views=["quality-energy"]) if v.case == "finance"
    ]
    (front,) = [trace for trace in view.figure.data if trace.name == "Pareto front"]
    rows = table[(table["case"] == "finance") & table["energy_kwh"].notna()]
    expected = rows.index[
        pareto_optimal(rows.assign(wh=rows["energy_kwh"] * 1000), x="wh", y="quality")
    ]
    assert sorted(front.customdata) == sorted(expected)


def test_an_unknown_view_is_refused_naming_the_views(table):
    with pytest.raises(InvalidValueError) as raised:
        report.tradeoff_views(table, views=["quality-carbon"])
    assert "quality-carbon" in str(raised.value) and "energy-sri" in str(raised.value)


def _hostile(record):
    record["models"][0]["name"] = "<img src=x onerror=alert(1)>"
    record["dataset"]["name"] = "</script><b>"
    record["parameters"]["seed"] = "<svg onload=alert(2)>"


def test_record_values_are_escaped_in_markup_plots_and_data(fake_store, edited_copy, tmp_path):
    edited_copy("finance/20250104T000000_000000Z-hostile", _hostile)
    page = (report.write_report(fake_store[0], tmp_path / "out") / "report.html").read_text()
    page = page.replace(get_plotlyjs(), "")  # plotly's own code draws <svg> elements
    assert "<img src=x" not in page and "<svg" not in page and "</script><b>" not in page
    assert '<tr data-row="5" data-run="finance/20250104T000000_000000Z-hostile"' in page
    assert 'data-model="&lt;img src=x onerror=alert(1)&gt;"' in page
    data = _data(page)
    names = {t["name"] for f in data["figures"] for t in f["data"]}
    assert "&lt;img src=x onerror=alert(1)&gt;" in names  # plotly renders HTML in names
    assert any("seed=&lt;svg onload=alert(2)&gt;" in text for text in data["hover"])
    block = re.search(r'id="report-data">(.*?)</script>', page, re.S).group(1)
    assert "<" not in block and ">" not in block


def test_the_page_carries_every_run_for_the_comparison(fake_page):
    page, table = fake_page
    data = _data(page)
    assert [r["run"] for r in data["runs"]] == list(dict.fromkeys(table["run_id"]))
    assert data["common"] == {"finance": {}}  # both of its parameters differ between runs
    first = data["runs"][0]
    assert first["parameters"] == {"inference_repeats": "3", "seed": "0"}
    assert first["models"]["model"] == ["mlp", "mlp-shared", "other-data"]
    assert first["models"]["shared"] == [False, True, False]
    parsed = _Page(page)
    selected = [a["value"] for t, a in parsed.tags if t == "option" and "selected" in a]
    assert selected == [FIRST_RUN, "finance/20250102T000000_000000Z-bbbbbbbb"]
