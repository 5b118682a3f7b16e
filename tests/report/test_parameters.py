"""A run's parameters as text, and which of them differ between the runs of a case."""

from __future__ import annotations

import json

from greennb.report import differing_parameters
from greennb.report._parameters import _decode_parameters, read_parameters


def test_parameters_are_read_without_the_run_folder(fake_store):
    run = fake_store[0] / "finance" / "20250101T000000_000000Z-aaaaaaaa"
    assert read_parameters(run) == {"inference_repeats": "3", "seed": "0"}


def test_only_the_parameters_object_is_decoded_and_a_surprise_falls_back(fake_store):
    text = (
        fake_store[0] / "finance" / "20250101T000000_000000Z-aaaaaaaa" / "metrics.json"
    ).read_text()
    assert _decode_parameters(text) == json.loads(text)["parameters"]
    tricky = json.dumps({"case": 'x"parameters":', "parameters": {"epochs": [1, 2]}})
    assert _decode_parameters(tricky) == {"epochs": [1, 2]}


def test_a_record_gone_or_unreadable_only_loses_its_parameters(tmp_path):
    assert read_parameters(tmp_path / "nothing") == {}
    (tmp_path / "metrics.json").write_text('{"parameters": ["not", "a", "mapping"]}')
    assert read_parameters(tmp_path) == {}


def test_a_parameter_missing_from_some_runs_differs():
    runs = {"c/a": {"seed": "0", "bar": "0.8"}, "c/b": {"seed": "0"}, "c/c": {"seed": "0"}}
    assert differing_parameters(runs, {r: "c" for r in runs}) == {"c": ("bar",)}
