"""Tests of the "auto" choices: timing options, keeping the fastest only beyond the noise."""

import time

import numpy as np
import pandas as pd
import pytest

from greennb import efficiency
from greennb.efficiency import _precision as precision_module
from greennb.efficiency import _quantize as quantize_module
from greennb.efficiency._fastest import (
    CHOSEN_AS_ONLY_OPTION,
    CHOSEN_BY_TIMING,
    NO_OPTIONS_MSG,
    choose_fastest,
    time_options,
)
from greennb.efficiency._quantize import DEFAULT_RULE
from greennb.errors import InvalidValueError

NONE = "no measurable difference"


# --- choose_fastest: the noise rule ---------------------------------------------------------


def test_a_tie_keeps_the_baseline():
    choice = choose_fastest(
        {"float32": [1000.0, 1020.0], "bfloat16": [1080.0, 1100.0]}, baseline="float32"
    )
    assert choice.chosen == "float32" and choice.chosen_by == CHOSEN_BY_TIMING
    assert choice.sentence.startswith("float32 kept: no option was measurably faster")
    assert "bfloat16 1.08×" in choice.sentence  # 1090 / 1010, the medians


def test_the_fastest_of_the_options_faster_beyond_the_noise_is_chosen():
    timings = {
        "float32": [1000.0, 1010.0],
        "float16": [1500.0, 1550.0],  # faster beyond 15 %, but not the fastest
        "bfloat16": [3900.0, 4000.0],
    }
    choice = choose_fastest(timings, baseline="float32")
    assert choice.chosen == "bfloat16"
    assert "float16 1.52×" in choice.sentence and "bfloat16 3.93×" in choice.sentence  # 3950 / 1005
    assert choice.to_dict()["throughputs"]["bfloat16"] == [3900.0, 4000.0]


def test_an_option_slower_than_the_baseline_is_never_chosen():
    choice = choose_fastest(
        {"torch.ao": [900.0, 950.0], "torchao": [40.0, 45.0]}, baseline="torch.ao"
    )
    assert choice.chosen == "torch.ao"


def test_a_baseline_that_is_not_an_option_is_refused():
    with pytest.raises(InvalidValueError, match="'int4'.*float32"):
        choose_fastest({"float32": [1.0]}, baseline="int4")


# --- time_options: interleaved, warmed up, work per second ----------------------------------


def test_time_options_interleaves_rounds_after_a_warm_up():
    calls = []
    options = {name: (lambda name=name: calls.append(name)) for name in ("a", "b")}
    timings = time_options(options, rows=10, rounds=3, min_seconds=0)
    assert calls == ["a", "b"] + ["a", "b"] * 3  # warm-up each, then A B per round
    assert [len(samples) for samples in timings.values()] == [3, 3]
    assert all(rate > 0 for samples in timings.values() for rate in samples)


def test_time_options_measures_work_of_known_cost():
    options = {"slow": lambda: time.sleep(0.004), "fast": lambda: time.sleep(0.001)}
    timings = time_options(options, rows=100, rounds=3, min_seconds=0.02)
    assert max(timings["slow"]) < 100 / 0.004 * 1.01  # never more than 100 rows per 4 ms
    choice = choose_fastest(timings, baseline="slow")
    assert choice.chosen == "fast"


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"options": {}}, "at least one option"),
        ({"rows": 0}, "rows"),
        ({"rounds": 0}, "rounds"),
        ({"min_seconds": -1.0}, "min_seconds"),
    ],
)
def test_time_options_bad_input(kwargs, match):
    arguments = {"options": {"a": lambda: None}, "rows": 1} | kwargs
    with pytest.raises(InvalidValueError, match=match):
        time_options(**arguments)
    assert NO_OPTIONS_MSG.startswith("time_options")


# --- inference_batch ------------------------------------------------------------------------


def test_inference_batch_repeats_rows_cyclically(mlp):
    rows = np.arange(6, dtype=np.float64).reshape(3, 2)
    batch = efficiency.inference_batch(mlp, rows, batch_size=5)
    assert batch.dtype == np.float32 and batch.shape == (5, 2)
    np.testing.assert_array_equal(batch[:, 0], [0, 2, 4, 0, 2])


def test_inference_batch_preprocesses_through_a_pipeline(hmda, hmda_model):
    _, split = hmda
    batch = efficiency.inference_batch(hmda_model, split.X_test, batch_size=8)
    expected = hmda_model[:-1].transform(split.X_test.iloc[:8])
    np.testing.assert_allclose(batch, np.asarray(expected, dtype=np.float32))


def test_inference_batch_refuses_no_rows(mlp):
    with pytest.raises(InvalidValueError, match="at least one row"):
        efficiency.inference_batch(mlp, pd.DataFrame(), batch_size=4)


# --- precision="auto" -----------------------------------------------------------------------


def test_auto_precision_needs_rows_to_time(mlp):
    with pytest.raises(InvalidValueError, match="pass X .*float32, bfloat16, float16"):
        efficiency.mixed_precision(mlp, precision="auto")


def test_auto_precision_keeps_what_the_timings_say(mlp, xy, monkeypatch):
    measured = {"float32": [1000.0, 1010.0], "bfloat16": [4000.0, 4100.0]}
    seen = {}

    def fake_timings(options, **kwargs):
        seen["options"] = list(options)
        return measured

    monkeypatch.setattr(precision_module, "time_options", fake_timings)
    monkeypatch.setattr(precision_module, "_cpu_has_native_float16", lambda: False)
    variant = efficiency.mixed_precision(mlp, precision="auto", X=xy[0])
    assert seen["options"] == ["float32", "bfloat16"]  # only what this CPU supports
    lever = variant.efficiency_levers_[-1]
    assert lever["precision"] == "bfloat16" and lever["choice"]["chosen"] == "bfloat16"
    assert str(variant.module_.autocast_dtype) == "torch.bfloat16"
    measured["bfloat16"] = [1050.0, 1100.0]  # within the noise: float32 is kept
    kept = efficiency.mixed_precision(mlp, precision="auto", X=xy[0])
    assert kept.efficiency_levers_[-1]["precision"] == "float32"
    assert kept.module_.autocast_dtype is None


def test_choose_precision_really_times_on_this_machine(mlp, xy):
    choice = efficiency.choose_precision(mlp, xy[0], batch_size=64, rounds=2, min_seconds=0.005)
    assert choice.chosen in efficiency.supported_precisions("cpu")
    assert set(choice.throughputs) == set(efficiency.supported_precisions("cpu"))
    assert all(len(samples) == 2 for samples in choice.throughputs.values())


# --- backend="auto" -------------------------------------------------------------------------


def test_auto_backend_with_one_backend_installed_times_nothing(mlp, xy):
    choice = efficiency.choose_backend(mlp, xy[0])
    assert efficiency.available_backends() == ["torch.ao"]  # torchao is not installed here
    assert (choice.chosen, choice.chosen_by, choice.throughputs) == (
        "torch.ao",
        CHOSEN_AS_ONLY_OPTION,
        {},
    )


def test_auto_backend_times_both_backends_when_both_are_installed(mlp, xy, monkeypatch):
    monkeypatch.setattr(quantize_module, "available_backends", lambda: ["torch.ao", "torchao"])
    assert efficiency.choose_backend(mlp).chosen_by == DEFAULT_RULE  # no rows: the rule
    made = []
    monkeypatch.setattr(
        quantize_module, "_quantized", lambda model, name: made.append(name) or model
    )
    monkeypatch.setattr(
        quantize_module,
        "time_options",
        lambda options, **kw: {"torch.ao": [100.0, 101.0], "torchao": [300.0, 310.0]},
    )
    choice = efficiency.choose_backend(mlp, xy[0])
    assert made == ["torch.ao", "torchao"]
    assert (choice.chosen, choice.chosen_by) == ("torchao", CHOSEN_BY_TIMING)
