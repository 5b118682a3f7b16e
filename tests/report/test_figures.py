"""The report's figures: trade-off panels with comparable quality scales, footprint bars."""

import re

import numpy as np
import pytest

from greennb import report
from greennb.report._figures import _side_by_side


def test_side_by_side_is_one_row_of_panels_of_the_given_size():
    figure, axes = _side_by_side(3, 2.0, 1.5)
    assert len(axes) == 3 and figure.axes == list(axes)
    assert figure.get_size_inches().tolist() == [6.0, 1.5]
    assert figure.get_layout_engine() is not None  # constrained layout
    _, (single,) = _side_by_side(1, 6.4, 4.4)
    assert single.figure.get_size_inches().tolist() == [6.4, 4.4]


def test_tradeoff_panels_keep_quality_scales_apart(table, row):
    figure = report.tradeoff_figure(table)
    titles = [ax.get_title() for ax in figure.axes if ax.get_title()]
    assert len(titles) == 2
    assert titles[0].startswith("accuracy") and titles[1].startswith("mae (victoria_electricity)")
    accuracy_ax = figure.axes[0]
    assert "fraction" in accuracy_ax.get_ylabel()
    # one energy unit per figure, chosen from the values (µWh here), and its method
    assert re.fullmatch(r"energy \(µWh, (estimated|measured)\)", accuracy_ax.get_xlabel())
    assert "GW" in figure.axes[1].get_ylabel()
    assert figure.get_size_inches().tolist() == [12.8, 4.4]
    # R is undefined for the single-group model: drawn as a grey cross, not dropped.
    crosses = accuracy_ax.collections[-1].get_offsets()
    single = row("single-group")
    assert np.allclose(crosses, [[single["energy_kwh"], single["quality"]]])
    # Every point has its energy interval as an error bar, none below 0 kWh.
    segments = [
        segment
        for collection in accuracy_ax.collections
        if hasattr(collection, "get_segments")
        for segment in collection.get_segments()
        if np.ndim(segment) == 2 and not np.isnan(segment).any()
    ]
    finance = table[table["quality_metric"] == "accuracy"].dropna(subset=["energy_kwh"])
    assert len(segments) >= len(finance)
    assert min(segment[:, 0].min() for segment in segments) >= 0.0


def test_footprint_figure_draws_training_per_1000_and_emissions(table):
    figure = report.footprint_figure(table)
    labels = [ax.get_xlabel() for ax in figure.axes[:3]]
    # each panel in the energy unit its values call for
    assert re.fullmatch(r"training computation energy \((µWh|mWh|Wh)\)", labels[0])
    assert re.fullmatch(r"computation energy per 1,000 predictions \((µWh|mWh|Wh)\)", labels[1])
    assert labels[2] == "emissions (g CO2e)"
    height = 1.2 + 0.35 * table[["case", "dataset", "model"]].drop_duplicates().shape[0]
    assert figure.get_size_inches().tolist() == pytest.approx([19.2, height])


def _spans(ax):
    """Each horizontal error bar seaborn drew, as (low, high), sorted."""
    spans = []
    for line in ax.lines:
        data = np.asarray(line.get_xydata(), dtype=float)
        if data.shape == (2, 2) and data[0, 1] == data[1, 1] and not np.isnan(data).any():
            spans.append((float(data[:, 0].min()), float(data[:, 0].max())))
    return sorted(spans)


def test_footprint_bars_never_average_datasets_runs_or_parameters(fake_store):
    table = report.collect_runs(fake_store[0])
    train, per_1000, emissions = report.footprint_figure(table).axes[:3]
    bars = [tick.get_text() for tick in train.get_yticklabels()]
    (seed_0,) = set(table.loc[table["run_id"].str.endswith("aaaaaaaa"), "parameter_set"])
    (seed_1,) = set(table.loc[table["run_id"].str.endswith("cccccccc"), "parameter_set"])
    assert sorted(bars) == sorted(
        [
            "finance / hmda / mlp-shared · machine shared",
            "finance / other / other-data",
            f"finance / hmda / mlp · parameters {seed_0} (2 runs)",
            f"finance / hmda / mlp · parameters {seed_1}",
        ]
    )  # two datasets, two parameter sets: never one bar
    widths = {
        label: round(patch.get_width(), 9)
        for label, patch in zip(bars, [p for p in train.patches if p.get_width()], strict=True)
    }
    # Wh, by hand: mlp's two repeats 2 and 4 mWh -> median 3 Wh; the others 2, 1 and 1 Wh.
    assert widths[f"finance / hmda / mlp · parameters {seed_0} (2 runs)"] == 3.0
    assert widths[f"finance / hmda / mlp · parameters {seed_1}"] == 1.0
    assert widths["finance / other / other-data"] == 1.0
    # Error bars: the repeats span 0.4 Wh (2 mWh - 80 %) to 12 Wh (4 mWh + 200 %).
    spans = _spans(train)
    assert len(spans) == 4 and min(low for low, _ in spans) >= 0.0
    assert any(np.allclose(span, (0.4, 12.0)) for span in spans)
    for ax in (per_1000, emissions):
        assert len(_spans(ax)) == 4 and min(low for low, _ in _spans(ax)) >= 0.0
