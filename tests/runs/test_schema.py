"""validate_metrics and read_metrics: every way a run record can be malformed is named."""

from __future__ import annotations

import copy
import json
import math

import pytest

from greennb.errors import InvalidValueError
from greennb.fairness import social_responsibility_index
from greennb.runs import SCHEMA_VERSION, RunRecord, read_metrics, validate_metrics
from greennb.runs._schema import SCHEMA_MSG


@pytest.fixture
def valid(tmp_path, energy_result):
    """A valid record: one model with a measured and an estimated phase, and an SRI."""
    sri = social_responsibility_index(
        [1, 0, 1, 1, 0, 1, 0, 1], [1, 0, 1, 0, 0, 1, 1, 1], ["a"] * 4 + ["b"] * 4,
        min_group_size=1,
    )  # fmt: skip
    record = RunRecord("c", parameters={"seed": 0}, run_dir=tmp_path / "run", country="FRA")
    energy = [
        energy_result(1e-3, 1.0, phase="train", status="measured"),
        energy_result(1e-4, 1.0, phase="inference", status="estimated"),
    ]
    record.add_model("m", quality={"accuracy": 0.75}, energy=energy, fairness=sri)
    result = record.to_dict()
    validate_metrics(result)
    return result


def _model(record):
    return record["models"][0]


def _set(path, value):
    """A corruption: set the value at a path of keys (or a callable taking the record)."""

    def corrupt(record):
        *parents, last = path
        target = record
        for key in parents:
            target = target[key] if not callable(key) else key(target)
        target[last] = value

    return corrupt


def _delete(*path):
    def corrupt(record):
        *parents, last = path
        target = record
        for key in parents:
            target = target[key]
        del target[last]

    return corrupt


def _partial_total(record):
    total = _model(record)["energy_total"]
    total["missing"] = ["inference"]


def _priced_without_energy(record):
    model = _model(record)
    model["energy_total"].update(energy_kwh=None, status="unavailable", missing=["train"])


def _duplicate_model(record):
    record["models"].append(copy.deepcopy(_model(record)))


FAIRNESS = ("models", 0, "fairness", "demographic_parity")
TRAIN = ("models", 0, "energy", "train")

CORRUPTIONS = {
    "missing key": (_delete("case"), "missing keys ['case']"),
    "missing keys": (_delete("models"), "missing keys ['models']"),
    "old schema": (
        _set(("schema_version",), "1.0"),
        f"schema_version '1.0', expected {SCHEMA_VERSION!r}",
    ),
    "models not a list": (_set(("models",), {"m": {}}), "'models' must be a list"),
    "model not an object": (_set(("models", 0), 3), "a model entry must be a JSON object; got int"),
    "model lacks a key": (_delete("models", 0, "carbon"), "model 'm' lacks ['carbon']"),
    "quality not an object": (
        _set(("models", 0, "quality"), [0.75]),
        "model 'm': 'quality' must be a JSON object",
    ),
    "model twice": (_duplicate_model, "model 'm' appears more than once"),
    "quality not a number": (
        _set(("models", 0, "quality", "accuracy"), "0.75"),
        "model 'm' quality 'accuracy' is '0.75', not a finite number",
    ),
    "quality null": (
        _set(("models", 0, "quality", "accuracy"), None),
        "model 'm' quality 'accuracy' is None, not a finite number",
    ),
    "bad phase status": (
        _set(("models", 0, "energy", "train", "status"), "guessed"),
        "phase 'train' has status 'guessed'; valid statuses: measured, estimated, unavailable",
    ),
    "phase not an object": (
        _set(("models", 0, "energy", "train"), 0.001),
        "phase 'train' has status None",
    ),
    "energy total lacks missing": (
        _delete("models", 0, "energy_total", "missing"),
        "model 'm': energy_total lacks ['missing']",
    ),
    "bad total status": (
        _set(("models", 0, "energy_total", "status"), "exact"),
        "model 'm' energy_total has status 'exact'",
    ),
    "partial total": (
        _partial_total,
        "model 'm': energy_total sums part of the phases (missing ['inference'])",
    ),
    "no energy yet estimated": (
        _set(("models", 0, "energy_total", "energy_kwh"), None),
        "model 'm': energy_total has no energy but status 'estimated'",
    ),
    "carbon lacks a key": (
        _delete("models", 0, "carbon", "emissions_g"),
        "model 'm': carbon lacks ['emissions_g']",
    ),
    "priced without energy": (
        _priced_without_energy,
        "model 'm': emissions are priced on an unavailable energy total",
    ),
    "older record says re-run": (
        _set(("schema_version",), "1.1"),
        "this record was written by an older greennb, before energy figures carried their "
        "method and interval; re-run the case (greennb run <case>) to write a 1.2 record",
    ),
    "phase without a method": (
        _set((*TRAIN, "cpu_method"), ""),
        "phase 'train': CPU has an energy but no method",
    ),
    "phase without an interval": (
        _set((*TRAIN, "interval"), None),
        "phase 'train' has an energy but no interval (value, low, high)",
    ),
    "interval out of order": (
        _set((*TRAIN, "ram_interval"), {"value": 0.0, "low": 0.1, "high": 0.2}),
        "phase 'train' RAM interval needs low <= value <= high",
    ),
    "interval not on its figure": (
        _set((*TRAIN, "interval"), {"value": 1.0, "low": 0.5, "high": 2.0}),
        "phase 'train' interval value 1.0 is not its figure 0.001",
    ),
    "interval without energy": (
        _set((*TRAIN, "gpu_energy_kwh"), None),
        "phase 'train' GPU has an interval but no energy",
    ),
    "total interval out of order": (
        _set(("models", 0, "energy_total", "interval"), {"value": 1.1e-3, "low": 2e-3, "high": 0}),
        "model 'm' energy_total interval needs low <= value <= high",
    ),
    "carbon lacks its interval": (
        _delete("models", 0, "carbon", "emissions_g_interval"),
        "model 'm': carbon lacks ['emissions_g_interval']",
    ),
    "carbon interval not on its figure": (
        _set(("models", 0, "carbon", "emissions_g_interval", "value"), 1e9),
        "model 'm' carbon emissions_g interval",
    ),
    "R is not A/B": (_set((*FAIRNESS, "value"), 2.0), "fairness 'demographic_parity': R=2.0 is"),
    "A missing with R": (
        _set((*FAIRNESS, "fairness_score"), None),
        "fairness 'demographic_parity': R=",
    ),
    "R as text": (_set((*FAIRNESS, "value"), "abc"), "fairness 'demographic_parity': R=abc"),
    "a phase's energy as text": (
        _set((*TRAIN, "energy_kwh"), "2"),
        "phase 'train' energy_kwh is '2', not a finite number or null",
    ),
    "a total's duration as text": (
        _set(("models", 0, "energy_total", "duration_s"), "1 s"),
        "model 'm' energy_total duration_s is '1 s', not a finite number",
    ),
    "PUE as text": (
        _set(("models", 0, "carbon", "pue"), "abc"),
        "model 'm' carbon pue is 'abc', not a finite number or null",
    ),
    "NaN": (_set(("duration_s",), math.nan), "it is not plain JSON (NaN and infinity"),
    "infinity": (_set(("models", 0, "extra", "x"), math.inf), "it is not plain JSON"),
    "not JSON at all": (_set(("parameters", "x"), object()), "it is not plain JSON"),
}


@pytest.mark.parametrize("corruption", CORRUPTIONS, ids=list(CORRUPTIONS))
def test_each_corruption_is_refused_with_its_message(valid, corruption):
    corrupt, problem = CORRUPTIONS[corruption]
    record = copy.deepcopy(valid) if corruption != "not JSON at all" else _copy_json(valid)
    corrupt(record)
    with pytest.raises(InvalidValueError) as info:
        validate_metrics(record)
    message = str(info.value)
    assert message.startswith(SCHEMA_MSG.format(problem="")), message
    assert problem in message, message


def _copy_json(record):
    return json.loads(json.dumps(record))


@pytest.mark.parametrize("value", [[], "metrics", None])
def test_a_record_that_is_not_an_object_is_refused(value):
    with pytest.raises(InvalidValueError, match="the record must be a JSON object; got"):
        validate_metrics(value)


def test_an_undefined_r_needs_no_a_over_b(valid):
    record = copy.deepcopy(valid)
    sri = record["models"][0]["fairness"]["demographic_parity"]
    sri.update(value=None, fairness_score=None)
    validate_metrics(record)


def test_read_metrics_reads_a_file_or_a_run_folder(valid, tmp_path):
    (tmp_path / "metrics.json").write_text(json.dumps(valid))
    assert read_metrics(tmp_path) == valid
    assert read_metrics(tmp_path / "metrics.json") == valid
    with pytest.raises(FileNotFoundError):
        read_metrics(tmp_path / "absent.json")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('{"duration_s": NaN}', "it holds NaN, which is not JSON"),
        ('{"duration_s": Infinity}', "it holds Infinity, which is not JSON"),
        ('{"duration_s": ', "it is not JSON: "),
    ],
)
def test_read_metrics_refuses_what_python_json_would_accept(tmp_path, text, problem):
    (tmp_path / "metrics.json").write_text(text)
    with pytest.raises(InvalidValueError, match=problem):
        read_metrics(tmp_path)
