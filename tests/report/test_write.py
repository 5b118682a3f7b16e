"""Writing the report: CSV, Markdown and HTML with the figures embedded."""

from __future__ import annotations

import base64
import re

import pandas as pd
import pytest

from greennb import report
from greennb.report._write import NO_RUNS_MSG

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


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
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    assert len(images) == 2
    assert all(base64.b64decode(image).startswith(PNG_MAGIC) for image in images)
    assert "estimated" in html and "single-group" in html
    assert "measured" not in set(table["energy_status"])  # so nothing may read "measured"
    assert measured_claims(markdown) == [] and measured_claims(html) == []
    for name in ("tradeoff.png", "footprint.png"):
        assert (out / name).read_bytes().startswith(PNG_MAGIC)


def test_default_report_folder_is_not_taken_for_a_run(store, table):
    out = report.write_report(store[0])
    assert out == store[0] / report.REPORT_DIR
    assert len(report.collect_runs(store[0])) == len(table)
