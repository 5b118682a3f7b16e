"""Writing the report: CSV, Markdown and HTML with the figures embedded."""

from __future__ import annotations

import base64
import html as html_module
import re

import pandas as pd
import pytest

from greennb import report
from greennb.report._markdown import SHARED_MARK
from greennb.report._write import NO_RUNS_MSG, SHARED_NOTE

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
    assert "train_kwh_range" in html and "inference_kwh_per_1000_range" in html
    assert measured_claims(markdown) == [] and measured_claims(html) == []
