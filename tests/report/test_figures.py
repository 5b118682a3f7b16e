"""The report's figures: trade-off panels with comparable quality scales, footprint bars."""

import numpy as np

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
    assert "fraction" in accuracy_ax.get_ylabel() and "energy (kWh)" in accuracy_ax.get_xlabel()
    assert "GW" in figure.axes[1].get_ylabel()
    assert figure.get_size_inches().tolist() == [12.8, 4.4]
    # R is undefined for the single-group model: drawn as a grey cross, not dropped.
    crosses = accuracy_ax.collections[-1].get_offsets()
    single = row("single-group")
    assert np.allclose(crosses, [[single["energy_kwh"], single["quality"]]])


def test_footprint_figure_draws_energy_and_emissions(table):
    figure = report.footprint_figure(table)
    left, right = figure.axes[:2]
    assert left.get_xlabel() == "facility energy E_total (Wh)"
    assert right.get_xlabel() == "emissions (g CO2e)"
    height = 1.2 + 0.35 * table[["case", "model"]].drop_duplicates().shape[0]
    assert figure.get_size_inches().tolist() == [12.8, height]
