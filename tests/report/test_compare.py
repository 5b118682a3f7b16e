"""Comparing two runs: the parameters that differ, and per model what changed, B against A."""

from __future__ import annotations

import pandas as pd
import pytest

from greennb import report
from greennb.errors import InvalidValueError
from greennb.report._compare import (
    MODEL_COLUMNS,
    PARAMETER_COLUMNS,
    UNKNOWN_RUN_MSG,
    compare_summaries,
)
from greennb.report._page_data import run_data
from greennb.report._parameters import differing_parameters, read_parameters

RUN_A = "finance/20250101T000000_000000Z-aaaaaaaa"  # seed 0, inference_repeats 3: mlp 2.3 mWh
RUN_B = "finance/20250102T000000_000000Z-bbbbbbbb"  # the same parameters: mlp 4.3 mWh
RUN_C = "finance/20250103T000000_000000Z-cccccccc"  # seed 1 only: mlp 1.3 mWh


def _row(comparison, model, quantity):
    rows = comparison.models
    (index,) = rows.index[(rows["model"] == model) & (rows["quantity"] == quantity)]
    return rows.loc[index]


def test_two_runs_with_other_parameters(fake_store):
    comparison = report.compare_runs(RUN_A, RUN_C, runs_root=fake_store[0])
    assert (comparison.a, comparison.b) == (RUN_A, RUN_C)
    assert list(comparison.parameters.columns) == list(PARAMETER_COLUMNS)
    assert comparison.parameters.values.tolist() == [
        ["inference_repeats", "3", "(unset)"],
        ["seed", "0", "1"],
    ]
    assert list(comparison.models.columns) == list(MODEL_COLUMNS)
    assert comparison.models["quantity"].tolist() == ["accuracy", "sri", "energy_kwh"]
    assert comparison.only_a == ("mlp-shared", "other-data") and comparison.only_b == ()
    accuracy = _row(comparison, "mlp", "accuracy")
    assert (accuracy["a"], accuracy["b"], accuracy["difference"]) == (0.9, 0.9, 0.0)
    energy = _row(comparison, "mlp", "energy_kwh")
    assert energy["a"] == pytest.approx(2.3e-3) and energy["b"] == pytest.approx(1.3e-3)
    assert energy["difference"] == pytest.approx(-1e-3)
    assert energy["ratio"] == pytest.approx(1.3 / 2.3, rel=1e-4)
    assert energy["verdict"] == "less"  # B uses less, beyond the 15 % noise
    (sentence,) = comparison.energy_sentences
    assert sentence.startswith("mlp in B uses less energy than mlp in A (0.565×")
    assert pd.isna(_row(comparison, "mlp", "sri")["a"])  # no fairness recorded


def test_repeats_differ_in_no_parameter(fake_store):
    comparison = report.compare_runs(RUN_A, RUN_B, runs_root=fake_store[0])
    assert comparison.parameters.empty
    assert _row(comparison, "mlp", "energy_kwh")["verdict"] == "more"


def test_within_the_noise_is_no_measurable_difference(fake_store, edited_copy):
    def slightly_more(record):
        total = record["models"][0]["energy_total"]
        total["energy_kwh"] *= 1.05
        total["interval"] = {k: v * 1.05 for k, v in total["interval"].items()}

    copy = edited_copy("finance/20250104T000000_000000Z-dddddddd", slightly_more)
    comparison = report.compare_runs(RUN_A, copy, runs_root=fake_store[0])  # B by its path
    assert comparison.b == "finance/20250104T000000_000000Z-dddddddd"
    assert _row(comparison, "mlp", "energy_kwh")["verdict"] == "no measurable difference"
    assert _row(comparison, "mlp", "energy_kwh")["ratio"] == pytest.approx(1.05)


def test_an_unknown_run_is_named_with_known_runs(fake_store):
    root = fake_store[0]
    with pytest.raises(InvalidValueError) as raised:
        report.compare_runs(RUN_A, "finance/2025-nope", runs_root=root)
    known = ", ".join([RUN_C, RUN_B, RUN_A])
    assert str(raised.value) == UNKNOWN_RUN_MSG.format(
        run="finance/2025-nope", metrics="metrics.json", root=root, known=known
    )


def test_the_page_data_compares_like_compare_runs(fake_store):
    """The page's summaries, expanded as its script does, give compare_runs' result."""
    root = fake_store[0]
    table = report.collect_runs(root)
    parameters = {
        run: read_parameters(d) for run, d in zip(table["run_id"], table["run_dir"], strict=True)
    }
    differing = differing_parameters(
        parameters, dict(zip(table["run_id"], table["case"], strict=True))
    )
    data = run_data(table.to_dict("records"), parameters, differing)

    def expand(run):
        columns = run["models"]
        models = [
            dict(zip(columns, values, strict=True))
            for values in zip(*columns.values(), strict=True)
        ]
        return {**run, "models": models,
                "parameters": {**data["common"][run["case"]], **run["parameters"]}}  # fmt: skip

    runs = {run["run"]: expand(run) for run in data["runs"]}
    from_page = compare_summaries(runs[RUN_A], runs[RUN_C])
    direct = report.compare_runs(RUN_A, RUN_C, runs_root=root)
    assert from_page.parameters.equals(direct.parameters)
    assert from_page.models.drop(columns=["ratio"]).equals(direct.models.drop(columns=["ratio"]))
    assert from_page.energy_sentences == direct.energy_sentences
