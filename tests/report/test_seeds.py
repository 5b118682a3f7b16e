"""Across seeds: t intervals, Welch differences, shared-machine energy, the report's section."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from greennb.report import (
    seed_differences,
    seed_summary,
    seed_table_markdown,
    sweep_runs,
    write_report,
)
from greennb.report._seeds import EXCEEDS, NO_FIGURE, NOT_ATTRIBUTABLE, TOO_FEW, WITHIN

T_2 = 4.302652729911275  # t(0.975, 2)
T_4 = 2.7764451051977987  # t(0.975, 4)


def _runs(quality_a, quality_b, *, shared_b=False, energy=1e-6):
    rows = []
    for bar, values, shared in ((0.8, quality_a, False), (0.9, quality_b, shared_b)):
        for seed, value in enumerate(values):
            rows.append(
                {
                    "case": "finance",
                    "dataset": "hmda",
                    "model": "logistic",
                    "quality_metric": "accuracy",
                    "bar": bar,
                    "seed": seed,
                    "quality": value,
                    "sri": 1.0 + value,
                    "energy_kwh": energy * (1 + seed),
                    "machine_shared": shared,
                }
            )
    return pd.DataFrame(rows)


def test_seed_summary_is_the_mean_with_a_t_interval_per_grid_point():
    summary = seed_summary(_runs([1.0, 2.0, 3.0], [4.0, 4.0, 4.0]), parameters=["bar", "seed"])
    first = summary.iloc[0]
    assert list(summary["bar"]) == [0.8, 0.9] and list(summary["n_seeds"]) == [3, 3]
    assert first["seeds"] == "0, 1, 2" and first["quality_mean"] == 2.0
    assert first["quality_sd"] == pytest.approx(1.0)
    assert first["quality_low"] == pytest.approx(2.0 - T_2 / math.sqrt(3))
    assert first["quality_high"] == pytest.approx(2.0 + T_2 / math.sqrt(3))
    assert first["energy_kwh_mean"] == pytest.approx(2e-6)
    second = summary.iloc[1]  # no spread: the interval is the value
    assert second["quality_low"] == second["quality_high"] == 4.0
    assert first["energy_attribution"] == "attributable"


def test_one_seed_has_a_mean_but_no_interval():
    summary = seed_summary(_runs([0.5], [0.6]), parameters=["bar"])
    assert summary["quality_mean"].tolist() == [0.5, 0.6]
    assert summary[["quality_sd", "quality_low", "quality_high"]].isna().all().all()


def test_a_difference_exceeds_the_seed_spread_only_when_welch_excludes_zero():
    real = seed_differences(_runs([1.0, 2.0, 3.0], [4.0, 5.0, 6.0]), parameters=["bar", "seed"])
    row = real[real["metric"] == "quality"].iloc[0]
    half = T_4 * math.sqrt(2 / 3)  # s = 1 at both points, Welch's df = 4
    assert (row["parameter"], row["point_a"], row["point_b"]) == ("bar", "bar=0.8", "bar=0.9")
    assert row["difference"] == pytest.approx(3.0)
    assert (row["low"], row["high"]) == pytest.approx((3.0 - half, 3.0 + half))
    assert row["verdict"] == EXCEEDS and (row["n_a"], row["n_b"]) == (3, 3)
    noise = seed_differences(_runs([1.0, 2.0, 3.0], [1.5, 2.5, 3.5]), parameters=["bar"])
    assert noise.set_index("metric").loc["quality", "verdict"] == WITHIN
    assert noise.set_index("metric").loc["energy_kwh", "verdict"] == WITHIN  # same energies
    few = seed_differences(_runs([1.0], [2.0, 3.0]), parameters=["bar"])
    assert set(few["verdict"]) == {TOO_FEW}


def test_energy_of_a_shared_machine_gets_no_verdict_and_is_flagged():
    runs = _runs([1.0, 2.0, 3.0], [4.0, 5.0, 6.0], shared_b=True)
    differences = seed_differences(runs, parameters=["bar"]).set_index("metric")
    assert differences.loc["energy_kwh", "verdict"] == NOT_ATTRIBUTABLE
    assert math.isnan(differences.loc["energy_kwh", "low"])
    assert differences.loc["quality", "verdict"] == EXCEEDS  # quality is still comparable
    summary = seed_summary(runs, parameters=["bar"])
    assert summary["energy_attribution"].tolist() == [
        "attributable",
        "machine shared: not attributable",
    ]
    no_energy = seed_differences(_runs([1.0, 2.0], [3.0, 4.0], energy=math.nan), parameters=["bar"])
    assert no_energy.set_index("metric").loc["energy_kwh", "verdict"] == NO_FIGURE


def test_only_grid_points_that_differ_in_one_parameter_are_compared():
    runs = pd.concat(
        [_runs([1.0, 2.0], [3.0, 4.0]).assign(constraint=c) for c in ("dp", "eo")],
        ignore_index=True,
    )
    differences = seed_differences(runs, parameters=["bar", "constraint", "seed"])
    quality = differences[differences["metric"] == "quality"]
    assert len(quality) == 4  # of the 6 pairs of 4 points, the 2 diagonals are left out
    assert sorted(quality["parameter"]) == ["bar", "bar", "constraint", "constraint"]


def test_the_seed_table_shows_each_figure_with_its_interval():
    summary = seed_summary(_runs([1.0, 2.0, 3.0], [4.0, 4.0, 4.0]), parameters=["bar"])
    text = seed_table_markdown(summary)
    assert "| case | dataset | model | quality_metric | bar | n_seeds | seeds |" in text
    low, high = 2.0 - T_2 / math.sqrt(3), 2.0 + T_2 / math.sqrt(3)
    assert f"2 \\[{low:.4g}, {high:.4g}\\]" in text


def test_seed_errorbars_draws_a_mean_and_interval_per_point_and_the_seeds():
    from greennb.plots import seed_errorbars

    runs = _runs([1.0, 2.0, 3.0], [4.0, 5.0, 6.0], shared_b=True)
    summary = seed_summary(runs, parameters=["bar"])
    ax = seed_errorbars(summary, metric="quality", parameters=["bar"], runs=runs)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["bar=0.8", "bar=0.9"]
    assert ax.get_ylabel() == "accuracy" and "95 % t interval" in ax.get_title()
    assert len(ax.containers) == 1  # one error-bar container (one model)
    energy = seed_errorbars(summary, metric="energy_kwh", parameters=["bar"], runs=runs)
    assert energy.get_ylabel() == "computation energy (mWh)"
    labels = [t.get_text() for t in energy.get_legend().get_texts()]
    assert labels == ["logistic", "logistic (hollow: machine shared, energy not attributable)"]


def test_the_report_has_an_across_seeds_section_per_sweep(tmp_path):
    from greennb.runs import RunRecord, expand_grid
    from greennb.runs._sweep_record import SweepRecord, sweep_folder

    points = expand_grid("finance", {"bar": [0.8, 0.9]}, seeds=2)
    record = SweepRecord.open(
        sweep_folder(tmp_path, "bars"),
        case="finance",
        grid={"bar": [0.8, 0.9], "seed": [0, 1]},
        points=points,
    )
    for point in points:
        run = f"finance/20250101T00000{point.index}_000000Z-{point.hash}"
        run_record = RunRecord("finance", parameters=point.full, run_dir=tmp_path / run)
        quality = 0.7 + 0.1 * (point.parameters["bar"] == 0.9) + 0.01 * point.parameters["seed"]
        run_record.add_model("logistic", quality={"accuracy": quality})
        run_record.write(close_energy=False)
        record.update(point.index, state="done", run=run)
    runs, parameters = sweep_runs("bars", runs_root=tmp_path)
    assert parameters == ["bar", "seed"] and sorted(runs["seed"]) == [0, 0, 1, 1]
    out = write_report(tmp_path)
    markdown = (out / "report.md").read_text()
    assert "## Across seeds" in markdown and "### Sweep bars" in markdown
    assert "0.705 \\[0.6415, 0.7685\\]" in markdown  # mean of 0.70, 0.71; t(0.975, 1) = 12.71
    for name in ("seeds-bars.csv", "seed-differences-bars.csv", "seeds-bars.png"):
        assert (out / name).is_file()
    table = pd.read_csv(out / "seeds-bars.csv")
    assert table["quality_mean"].round(4).tolist() == [0.705, 0.805]
