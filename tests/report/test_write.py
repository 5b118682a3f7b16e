"""Writing the report: CSV, Markdown and HTML with the figures embedded."""

from __future__ import annotations

import html as html_module
import re

import pandas as pd
import pytest

from greennb import report
from greennb.errors import InvalidValueError, SkippedRunWarning
from greennb.report._markdown import SHARED_MARK
from greennb.report._write import NO_RUNS_MSG, REPORT_OUTSIDE_MSG, SHARED_NOTE, SKIPPED_HEADING
from greennb.runs._schema import SCHEMA_MSG


def _own_text(page: str) -> str:
    """Return the report page without plotly.js (whose code is no claim about a figure)."""
    from plotly.offline import get_plotlyjs

    return page.replace(get_plotlyjs(), "")


def test_an_empty_store_is_a_clear_message(tmp_path):
    with pytest.raises(ValueError) as raised:
        report.write_report(tmp_path)
    assert str(raised.value) == NO_RUNS_MSG.format(root=tmp_path)
    assert not (tmp_path / "report").exists()


def test_write_report_writes_csv_markdown_and_html_with_plots(
    store, table, tmp_path, measured_claims
):
    out = report.write_report(store[0], tmp_path / "out")
    assert out == tmp_path / "out"
    csv = pd.read_csv(out / "report.csv")
    assert list(csv.columns) == list(report.REPORT_COLUMNS) and len(csv) == len(table)
    assert csv["quality"].tolist() == pytest.approx(table["quality"].tolist())
    markdown = (out / "report.md").read_text()
    assert report.ESTIMATE_NOTE in markdown
    rows = [line for line in markdown.splitlines() if line.startswith("|")]
    assert len(rows) == len(table) + 2
    assert rows[0] == "| " + " | ".join(report.MARKDOWN_COLUMNS) + " |"
    assert any("| smart_city | linear | victoria_electricity | mae |" in r for r in rows)
    html = (out / "report.html").read_text()
    assert html.count('<table id="runs">') == 1 and html.count("<tr data-row=") == len(table)
    assert 'class="tradeoff-plot"' in html and "data:image/png" not in _own_text(html)
    assert "estimated" in html and "single-group" in html
    assert "measured" not in set(table["energy_status"])  # so nothing may read "measured"
    assert measured_claims(markdown) == [] and measured_claims(_own_text(html)) == []
    assert sorted(p.name for p in out.iterdir()) == ["report.csv", "report.html", "report.md"]


def test_default_report_folder_is_not_taken_for_a_run(store, table):
    out = report.write_report(store[0])
    assert out == store[0] / report.REPORT_DIR
    assert len(report.collect_runs(store[0])) == len(table)


def test_the_report_shows_ranges_and_marks_a_shared_machine(fake_store, tmp_path, measured_claims):
    out = report.write_report(fake_store[0], tmp_path / "out")
    markdown = (out / "report.md").read_text()
    header, _, *rows = [line.split(" | ") for line in markdown.splitlines() if line.startswith("|")]
    cells = [dict(zip(header, row, strict=True)) for row in rows]
    shared = [c for c in cells if c["model"] == "mlp-shared"]
    assert [c["machine_shared"] for c in shared] == [SHARED_MARK]
    assert {c["machine_shared"] for c in cells if c["model"] != "mlp-shared"} == {""}
    # Training 2 mWh with the unknown method's range: 0.4–6 mWh, shown as low–high in kWh.
    (first,) = [c for c in cells if c["model"] == "mlp" and c["train_kwh"] == "0.002"]
    assert first["train_kwh_range"] == "0.0004–0.006"
    assert all(c["emissions_g_range"] for c in cells)
    html = (out / "report.html").read_text()
    note = SHARED_NOTE.format(count=1, runs="finance/20250101T000000_000000Z-aaaaaaaa")
    assert note in markdown and html_module.escape(note) in html and SHARED_MARK in html
    assert 'data-column="energy_kwh_range"' in html and "<td>0.00046–0.0069<td>" in html
    assert measured_claims(markdown) == [] and measured_claims(_own_text(html)) == []


HOSTILE = "<img src=x onerror=alert(1)> [click](http://evil.example) *bold* `code` a|b"


def _unescaped(markdown: str) -> set[str]:
    """Return the Markdown or HTML special characters not escaped in the file's table and list."""
    lines = [line for line in markdown.splitlines() if line.startswith(("| ", "- "))]
    body = "\n".join(line[2:].replace(" | ", " ") for line in lines)
    return set(re.findall(r"(?<!\\)[<>\[\]*`&$~]", body.replace("\\\\", "")))


def _hostile_names(record):
    record["models"][0]["name"] = HOSTILE
    record["dataset"]["name"] = "_emphasis_ & <b>"
    record["models"][0]["quality"] = {"<script>": 0.9}


def test_every_value_from_a_record_is_escaped_in_markdown(fake_store, edited_copy, tmp_path):
    edited_copy("finance/20250104T000000_000000Z-hostile", _hostile_names)
    out = report.write_report(fake_store[0], tmp_path / "out")
    markdown = (out / "report.md").read_text()
    assert _unescaped(markdown) == set()
    assert report.escape_markdown(HOSTILE) in markdown
    assert "| \\_emphasis\\_ \\& \\<b\\> |" in markdown  # the dataset cell
    assert "| \\<script\\> |" in markdown  # the quality metric cell
    html = (out / "report.html").read_text()
    assert "<img src=x" not in html and html_module.escape(HOSTILE) in html


def test_skipped_runs_are_listed_with_the_reason(fake_store, edited_copy, tmp_path):
    def bad(record):
        record["models"][0]["carbon"]["pue"] = "<b>abc</b>"

    edited_copy("finance/20250104T000000_000000Z-badpue", bad)
    with pytest.warns(SkippedRunWarning, match="badpue"):
        out = report.write_report(fake_store[0], tmp_path / "out")
    reason = SCHEMA_MSG.format(
        problem="model 'mlp' carbon pue is '<b>abc</b>', not a finite number or null"
    )
    markdown = (out / "report.md").read_text()
    heading = f"## {SKIPPED_HEADING}\n\n"
    assert markdown.endswith(
        heading + f"- finance/20250104T000000_000000Z-badpue: {report.escape_markdown(reason)}\n"
    )
    assert _unescaped(markdown) == set()
    html = (out / "report.html").read_text()
    assert f"<h2>{SKIPPED_HEADING}</h2>" in html and html_module.escape(reason) in html
    assert "<b>abc" not in html
    assert len(pd.read_csv(out / "report.csv")) == 5  # the three good runs' models


def test_a_report_without_skipped_runs_has_no_such_section(fake_store, tmp_path):
    out = report.write_report(fake_store[0], tmp_path / "out")
    assert SKIPPED_HEADING not in (out / "report.md").read_text()
    assert SKIPPED_HEADING not in (out / "report.html").read_text()


def test_a_report_folder_linked_out_of_the_store_is_refused(fake_store, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (fake_store[0] / report.REPORT_DIR).symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(InvalidValueError) as raised:
        report.write_report(fake_store[0])
    assert str(raised.value) == REPORT_OUTSIDE_MSG.format(
        path=fake_store[0] / report.REPORT_DIR, target=elsewhere.resolve()
    )
    assert list(elsewhere.iterdir()) == []
    assert report.write_report(fake_store[0], elsewhere) == elsewhere  # named: written there
