"""A run store for the report's tests, built once, and every figure closed after each test.

The store is built in-process with real RunRecords (real models, tracked by CodeCarbon), laid
out as ``greennb run`` lays it out; tests/runs covers the execution itself. It holds two
finished runs (finance: four models, one with R undefined and one untracked; smart city: one
forecast model), a failed copy and a half-written copy, which the report must leave out.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import greennb as gnb
from greennb import energy, report
from greennb.runs import RunRecord

PRICING = {"country": "FRA", "pue": 1.2, "renewable_share": 0.5}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _record(root: Path, case: str, dataset: str, name: str) -> tuple[RunRecord, object, object]:
    data = gnb.load_dataset(dataset)
    split = gnb.split_dataset(data, random_state=0)
    run_dir = root / case / name
    params = {"quick": True, "seed": 0, **PRICING}
    record = RunRecord(case, parameters=params, run_dir=run_dir, **PRICING)
    gnb.configure(country="FRA", output_dir=run_dir)
    record.set_dataset(data, split)
    return record, data, split


def _finance(root: Path) -> dict:
    record, data, split = _record(root, "finance", "hmda", "20250101T000000_000000Z-aaaaaaaa")
    added = {}
    half = len(split.X_train) // 2
    for name, rows in (("logistic", slice(None)), ("logistic-half", slice(0, half))):
        model = gnb.make_model("logistic", task=data.task, random_state=0)
        with gnb.track(f"train-{name}") as train:
            model.fit(split.X_train.iloc[rows], split.y_train.iloc[rows])
        y_pred = model.predict(split.X_test)
        sri = gnb.social_responsibility_index(
            split.y_test,
            y_pred,
            sensitive_features=split.sensitive_test["afam"],
            pos_label=data.favourable_label,
        )
        accuracy = float(np.mean(y_pred == split.y_test.to_numpy()))
        added[name] = record.add_model(
            name, quality={"accuracy": accuracy}, energy=[train.result], fairness=sri
        )
    with warnings.catch_warnings():  # one group only: R is undefined, with a warning
        warnings.simplefilter("ignore")
        single = gnb.social_responsibility_index(
            split.y_test,
            y_pred,
            sensitive_features=["all"] * len(y_pred),
            pos_label=data.favourable_label,
        )
    added["single-group"] = record.add_model(
        "single-group", quality={"accuracy": accuracy}, energy=[train.result], fairness=single
    )
    added["untracked"] = record.add_model("untracked", quality={"accuracy": accuracy})
    record.write()
    return added


def _smart_city(root: Path) -> dict:
    name = "20250102T000000_000000Z-bbbbbbbb"
    record, data, split = _record(root, "smart_city", "victoria_electricity", name)
    model = gnb.make_model("linear", task=data.task)
    with gnb.track("train") as train:
        model.fit(split.X_train, split.y_train)
    y_pred = model.predict(split.X_test)
    mae = float(np.mean(np.abs(y_pred - split.y_test.to_numpy())))
    sri = gnb.social_responsibility_index(
        split.y_test, y_pred, sensitive_features=split.sensitive_test["workday"], metric="mae"
    )
    quality = {"rmse": 9.0, "mae": mae}  # the report must pick MAE, not the first entry
    added = record.add_model("linear", quality=quality, energy=[train.result], fairness=sri)
    record.write()
    return {"linear": added}


@pytest.fixture(scope="session")
def store(tmp_path_factory):
    """The run store's root and, per model name, the model entry its record holds."""
    root = tmp_path_factory.mktemp("runs")
    added = {**_finance(root), **_smart_city(root)}
    energy.close_session()
    finished = root / "finance" / "20250101T000000_000000Z-aaaaaaaa"
    shutil.copytree(finished, root / "finance" / "20250103T000000_000000Z-cccccccc.failed")
    shutil.copytree(finished, root / "finance" / ".tmp-20250104T000000_000000Z-dddddddd")
    return root, added


@pytest.fixture(scope="session")
def table(store):
    """The report table of the store."""
    return report.collect_runs(store[0])


@pytest.fixture
def row(table):
    """Return the table's one row of a model."""

    def lookup(model: str) -> pd.Series:
        (index,) = table.index[table["model"] == model]
        return table.loc[index]

    return lookup


#: The attribution of a phase that ran while other processes used the machine.
SHARED = "machine shared: not attributable: other processes used 1.20 CPU-s per s"


@pytest.fixture
def fake_store(tmp_path, hmda, energy_result):
    """A store of synthetic phases of known cost (kWh), for tables checkable by hand.

    finance, parameters {seed 0, inference_repeats 3}, run a and its repeat b; parameters
    {seed 1}, run c. Each phase without a method carries the unknown method's range
    (-80 %, +200 %).

    - run a: ``mlp`` (train 2e-3, inference 3e-4 over the test rows x 3), ``mlp-shared`` (the
      same, its inference phase on a shared machine), ``other-data`` (dataset "other": fit
      1e-3, predict 1e-4 over 500 predictions);
    - run b: ``mlp`` (train 4e-3, inference 3e-4); run c: ``mlp`` (train 1e-3, inference 3e-4).
    """
    data, split = hmda
    root = tmp_path / "runs"

    def write(name, parameters, models):
        record = RunRecord("finance", parameters=parameters, run_dir=root / "finance" / name)
        record.set_dataset(data, split)
        for model, (phases, extra) in models.items():
            record.add_model(model, quality={"accuracy": 0.9}, energy=phases, extra=extra)
        record.write(close_energy=False)

    def mlp(train_kwh, shared=False):
        inference = energy_result(3e-4, 1.0, phase="inference")
        if shared:
            inference = dataclasses.replace(inference, attribution=SHARED)
        return {"train": energy_result(train_kwh, 2.0, phase="train"), "inference": inference}, {}

    other = {"fit": energy_result(1e-3, 1.0, phase="fit"),
             "predict": energy_result(1e-4, 1.0, phase="predict")}  # fmt: skip
    repeat = {"seed": 0, "inference_repeats": 3}
    write(
        "20250101T000000_000000Z-aaaaaaaa",
        repeat,
        {"mlp": mlp(2e-3), "mlp-shared": mlp(2e-3, shared=True),
         "other-data": (other, {"dataset": "other", "inference_predictions": 500})},
    )  # fmt: skip
    write("20250102T000000_000000Z-bbbbbbbb", repeat, {"mlp": mlp(4e-3)})
    write("20250103T000000_000000Z-cccccccc", {"seed": 1}, {"mlp": mlp(1e-3)})
    return root, len(split.X_test)


#: The fake store's first run (three models), which the tests below copy and edit.
FIRST_RUN = "finance/20250101T000000_000000Z-aaaaaaaa"


@pytest.fixture
def edited_copy(fake_store):
    """Factory: copy the fake store's first run to ``<root>/<target>``, its record edited.

    ``edit`` takes the parsed ``metrics.json`` and changes it in place; the copy's folder is
    returned.
    """

    def copy(target: str, edit=lambda record: None) -> Path:
        root = fake_store[0]
        folder = root / target
        shutil.copytree(root / FIRST_RUN, folder)
        record = json.loads((folder / "metrics.json").read_text())
        edit(record)
        (folder / "metrics.json").write_text(json.dumps(record))
        return folder

    return copy
