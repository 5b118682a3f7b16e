"""Tables over run-record model entries: models_table and the fairness-cost table."""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from greennb.errors import FairnessWarning
from greennb.evaluation import fairness_cost_table, models_table
from greennb.fairness import mitigate, social_responsibility_index
from greennb.runs import RunRecord

# --------------------------------------------------------------------------- cost table


def _entry(name, r, kwh, grams, accuracy=0.9, label="demographic_parity"):
    return {
        "name": name,
        "quality": {"accuracy": accuracy},
        "fairness": {label: {"value": r, "fairness_score": 0.8 * r, "bar": 0.8}},
        "energy_total": {"energy_kwh": kwh, "status": "estimated"},
        "carbon": {"total_kwh": 1.56 * kwh, "emissions_g": grams},
    }


def test_fairness_cost_table_matches_hand_computed_values():
    entries = [
        _entry("logistic", 1.00, 0.002, 1.0, accuracy=0.90),
        _entry("logistic+eg", 1.25, 0.012, 6.0, accuracy=0.88),
        _entry("logistic+to", 0.95, 0.003, 1.5, accuracy=0.89),
    ]
    table = fairness_cost_table(
        entries, baselines={"logistic+eg": "logistic", "logistic+to": "logistic"}
    ).set_index("model")
    eg = table.loc["logistic+eg"]
    assert eg["delta_R"] == pytest.approx(0.25)
    assert eg["extra_kwh"] == pytest.approx(0.010)
    assert eg["extra_g_co2e"] == pytest.approx(5.0)
    assert eg["extra_kwh_per_point"] == pytest.approx(0.010 / 25)  # 25 points of 0.01
    assert eg["extra_g_co2e_per_point"] == pytest.approx(0.2)
    assert eg["delta_accuracy"] == pytest.approx(-0.02)
    assert eg["energy_status"] == "estimated"
    assert eg["energy_verdict"] == "more"  # 6x the energy: beyond the 15 % noise
    to = table.loc["logistic+to"]
    assert to["delta_R"] == pytest.approx(-0.05)
    assert math.isnan(to["extra_kwh_per_point"])  # R fell: no cost per point gained
    per_tenth = fairness_cost_table(entries, baselines={"logistic+eg": "logistic"}, point=0.1)
    assert per_tenth.loc[0, "extra_kwh_per_point"] == pytest.approx(0.010 / 2.5)


def test_fairness_cost_table_bad_input():
    entries = [_entry("a", 1.0, 0.1, 1.0), _entry("b", 1.1, 0.2, 2.0, label="equal_opportunity")]
    with pytest.raises(ValueError, match=r"No model entry named 'c'; models in the entries: a, b"):
        fairness_cost_table(entries, baselines={"c": "a"})
    with pytest.raises(ValueError, match="pass fairness=<label>"):
        fairness_cost_table(entries, baselines={"b": "a"})
    with pytest.raises(ValueError, match="has no fairness entry 'equal_opportunity'"):
        fairness_cost_table(entries, baselines={"b": "a"}, fairness="equal_opportunity")
    with pytest.raises(ValueError, match="no quality metric 'auc'; its metrics: accuracy"):
        models_table(entries, quality="auc")
    with pytest.raises(
        ValueError, match=r"point must be a finite number > 0 \(a step of R, e.g. 0.01\); got 0"
    ):
        fairness_cost_table(entries, baselines={}, point=0)


def test_cost_table_reads_run_record_entries(tmp_path, synthetic):
    X, y, group = synthetic
    record = RunRecord("finance", parameters={"seed": 0}, run_dir=tmp_path, country="FRA")
    base = LogisticRegression().fit(X, y).predict(X)
    fair = mitigate(LogisticRegression(), X, y, sensitive_features=group, random_state=0)
    entries = []
    for name, y_pred in (
        ("lr", base),
        ("lr-threshold_optimizer", fair.predict(X, sensitive_features=group)),
    ):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FairnessWarning)
            sri = social_responsibility_index(y, y_pred, group, pos_label=1)
        accuracy = float(np.mean(y_pred == y))
        entries.append(record.add_model(name, quality={"accuracy": accuracy}, fairness=sri))
    table = fairness_cost_table(entries, baselines={"lr-threshold_optimizer": "lr"})
    row = table.iloc[0]
    assert row["fairness_metric"] == "demographic_parity"
    assert row["R_after"] > row["R_before"]
    assert math.isnan(row["extra_kwh"])  # no energy phases recorded: unknown, not zero
    assert row["energy_verdict"] is None  # nothing to compare, no verdict
    json.dumps(models_table(entries).to_dict(orient="records"))


def test_models_table_carries_the_intervals_and_close_energies_get_no_verdict(
    tmp_path, energy_result
):
    from greennb.energy import Pricing

    record = RunRecord("c", parameters={}, run_dir=tmp_path, pricing=Pricing(country="FRA"))
    # 1.00 and 1.05 mWh: within the 15 % run-to-run noise. The unknown method's range is
    # -80 % to +200 %: 0.2–3 mWh for the first.
    entries = [
        record.add_model(name, quality={"accuracy": 0.9}, energy=[energy_result(kwh, 1.0)])
        for name, kwh in (("a", 1e-3), ("b", 1.05e-3))
    ]
    table = models_table(entries).set_index("model")
    assert table.loc["a", "energy_kwh_low"] == pytest.approx(0.2e-3)
    assert table.loc["a", "energy_kwh_high"] == pytest.approx(3e-3)
    assert table.loc["a", "total_kwh_high"] == pytest.approx(3e-3 * record.pricing.pue)
    assert table.loc["a", "emissions_g_low"] <= table.loc["a", "emissions_g"]
    for entry in entries:  # R is irrelevant here: the cost table needs a fairness entry
        entry["fairness"] = {"dp": {"value": 1.0, "fairness_score": 0.8, "bar": 0.8}}
    cost = fairness_cost_table(entries, baselines={"b": "a"})
    assert cost.loc[0, "extra_kwh"] == pytest.approx(0.05e-3)
    assert cost.loc[0, "energy_verdict"] == "no measurable difference"
