"""The notebooks' trade-off widgets: numbers computed by hand, built and driven without a front end.

Each widget's ``update`` is a pure function of its control values; the tests check it against
hand-computed values, move the controls to check the live summary follows, check that bad input
names the bad value, and run one tiny notebook through nbclient (no front end, as papermill) to
show the call leaves a static figure.
"""

import subprocess
import sys

import ipywidgets
import numpy as np
import pandas as pd
import pytest

from greennb import plots
from greennb.energy import EnergyInterval, grid_carbon_intensity, total_energy
from greennb.errors import InvalidValueError, MissingDependencyError
from greennb.plots._widget_break_even import NO_DIFFERENCE
from greennb.plots._widget_carbon import COUNTRY_NOT_OFFERED_MSG
from greennb.plots._widgets import UNKNOWN_CONTROL_MSG, WIDGET_DEPENDENCY_MSG

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


# --- carbon -----------------------------------------------------------------------------------


@pytest.fixture
def carbon():
    energy = EnergyInterval(0.002, 0.001, 0.004)  # kWh
    return plots.carbon_widget(
        energy, country="FRA", pue=1.5, renewable_share=0.25, countries=["FRA", "SWE"], show=False
    )


def test_carbon_prices_energy_at_intensity_times_pue_times_one_minus_share(carbon):
    intensity = grid_carbon_intensity("FRA")  # g CO2e/kWh
    result = carbon.update()
    assert result["total_kwh"] == pytest.approx(0.003)
    assert (result["total_kwh_low"], result["total_kwh_high"]) == pytest.approx((0.0015, 0.006))
    assert result["emissions_g"] == pytest.approx(0.002 * 1.5 * intensity * 0.75)
    assert result["emissions_g_low"] == pytest.approx(0.001 * 1.5 * intensity * 0.75)
    assert result["emissions_g_high"] == pytest.approx(0.004 * 1.5 * intensity * 0.75)
    sweden = carbon.update(country="SWE", pue=2.0, renewable_share=1.0)
    assert sweden["total_kwh"] == pytest.approx(0.004) and sweden["emissions_g"] == 0.0


def test_carbon_without_interval_has_no_bounds_and_moving_a_control_updates_the_summary():
    explorer = plots.carbon_widget(0.003, country="USA", pue=1.0, renewable_share=0.0, show=False)
    assert explorer.update()["emissions_g_low"] is None
    assert explorer.update()["emissions_g"] == pytest.approx(0.003 * grid_carbon_intensity("USA"))
    assert isinstance(explorer.widget, ipywidgets.VBox)
    assert "PUE 1.00" in explorer.summary.value
    explorer.controls["pue"].value = 2.5
    assert "PUE 2.50" in explorer.summary.value and "7.5 Wh" in explorer.summary.value
    assert explorer.png().startswith(PNG_MAGIC)


def test_carbon_refuses_bad_inputs_naming_them(carbon):
    with pytest.raises(InvalidValueError, match=r"pue must be a number in \[1, 3\]; got 0.5"):
        plots.carbon_widget(1.0, country="FRA", pue=0.5, renewable_share=0.0, show=False)
    with pytest.raises(InvalidValueError, match="renewable_share .* got 1.5"):
        plots.carbon_widget(1.0, country="FRA", pue=1.5, renewable_share=1.5, show=False)
    with pytest.raises(InvalidValueError, match="Unknown country code 'XXX'"):
        plots.carbon_widget(1.0, country="XXX", pue=1.5, renewable_share=0.0, show=False)
    offered = COUNTRY_NOT_OFFERED_MSG.format(country="USA", choices="FRA, SWE")
    with pytest.raises(InvalidValueError, match=offered):
        plots.carbon_widget(
            1.0, country="USA", pue=1.5, renewable_share=0.0, countries=["fra", "SWE"], show=False
        )
    with pytest.raises(InvalidValueError, match="has no energy figure .*'unavailable'"):
        plots.carbon_widget(total_energy([]), country="FRA", pue=1.5, renewable_share=0.0)
    message = UNKNOWN_CONTROL_MSG.format(
        name="grid", what="carbon widget", choices="country, pue, renewable_share"
    )
    with pytest.raises(InvalidValueError, match=message):
        carbon.update(grid="FRA")


# --- SRI --------------------------------------------------------------------------------------


@pytest.fixture
def sri():
    # group a: 10 rows, 5 selected (rate 0.5); group b: 10 rows, 4 selected (0.4): A = 0.8.
    y_true = np.array([1, 0] * 10)
    y_pred = np.array([1] * 5 + [0] * 5 + [1] * 4 + [0] * 6)
    groups = pd.Series(["a"] * 10 + ["b"] * 10, name="group")
    return plots.sri_widget(y_true, y_pred, groups, pos_label=1, show=False)


def test_sri_at_bar_0_8_passes_and_at_0_9_does_not(sri):
    at_08 = sri.update()
    assert (at_08["A"], at_08["B"], at_08["R"]) == pytest.approx((0.8, 0.8, 1.0))
    assert at_08["meets_bar"] is True and at_08["worst_group"] == "b"
    assert at_08["groups"]["passes"].to_dict() == {"a": True, "b": True}  # 0.4 >= 0.8 × 0.5
    at_09 = sri.update(bar=0.9)
    assert at_09["R"] == pytest.approx(0.8 / 0.9) and at_09["meets_bar"] is False
    assert at_09["groups"]["passes"].to_dict() == {"a": True, "b": False}  # 0.4 < 0.9 × 0.5
    assert at_09["groups"].loc["b", "selection_rate_ratio"] == pytest.approx(0.8)
    assert any("smaller than min_group_size" in note for note in at_09["warnings"])


def test_sri_equalized_odds_checks_both_rates_and_the_controls_drive_it(sri):
    result = sri.update(metric="equalized_odds")
    # TPR: a 3/5, b 2/5 (ratio 2/3); FPR: a 2/5, b 2/5 (ratio 1): A = 2/3, b fails on TPR.
    assert result["A"] == pytest.approx(2 / 3)
    assert result["groups"]["passes"].to_dict() == {"a": True, "b": False}
    assert result["meets_bar"] is all(result["groups"]["passes"])
    sri.controls["bar"].value = 0.9
    assert "R = 0.889" in sri.summary.value and "groups below B × best: b" in sri.summary.value
    assert sri.png(metric="equalized_odds").startswith(PNG_MAGIC)


def test_sri_refuses_an_unknown_metric_or_bar_naming_them(sri):
    with pytest.raises(InvalidValueError, match="Unknown metric 'mae'; valid choices: demographic"):
        plots.sri_widget([1, 0], [1, 0], ["a", "b"], pos_label=1, metrics=["mae"], show=False)
    with pytest.raises(InvalidValueError, match=r"bar must be a number in \[0.5, 1\]; got 0.3"):
        plots.sri_widget([1, 0], [1, 0], ["a", "b"], pos_label=1, bar=0.3, show=False)
    with pytest.raises(InvalidValueError, match="Unknown metric 'accuracy'; valid choices: demo"):
        sri.update(metric="accuracy")  # not among the metrics this widget offers


# --- threshold --------------------------------------------------------------------------------


@pytest.fixture
def loans():
    y_true = np.array(["ok", "ok", "no", "no", "ok", "ok", "no", "no"])
    scores = np.array([0.9, 0.6, 0.4, 0.1, 0.8, 0.3, 0.7, 0.2])  # P("ok")
    groups = pd.Series(list("aaaabbbb"), name="group")
    return y_true, scores, groups


def test_threshold_zero_selects_everyone(loans):
    explorer = plots.threshold_widget(*loans, pos_label="ok", show=False)
    result = explorer.update(threshold=0.0)
    assert result["groups"]["selection_rate"].to_list() == [1.0, 1.0]
    assert result["groups"]["true_positive_rate"].to_list() == [1.0, 1.0]
    assert result["accuracy"] == 0.5 and result["R"] == pytest.approx(1 / 0.8)


def test_threshold_half_gives_hand_computed_rates(loans):
    explorer = plots.threshold_widget(*loans, pos_label="ok", show=False)
    result = explorer.update()  # 0.5: a selects 0.9, 0.6 (2/4); b selects 0.8, 0.7 (2/4)
    assert result["groups"]["selection_rate"].to_list() == [0.5, 0.5]
    assert result["groups"]["true_positive_rate"].to_list() == [1.0, 0.5]  # b misses 0.3
    assert result["accuracy"] == pytest.approx(6 / 8) and result["R"] == pytest.approx(1.25)
    assert result["R_equal_opportunity"] == pytest.approx(0.5 / 0.8)
    explorer.controls["threshold"].value = 0.0
    assert "accuracy = 0.500" in explorer.summary.value


def test_per_group_thresholds_post_process_each_group(loans):
    y_true, scores, groups = loans
    proba = np.column_stack([1 - scores, scores])  # predict_proba with classes ["no", "ok"]
    explorer = plots.threshold_widget(
        y_true, proba, groups, pos_label="ok", classes=["no", "ok"], per_group=True, show=False
    )
    assert set(explorer.controls) == {"a", "b"}
    result = explorer.update(thresholds={"b": 0.25})  # b now selects 0.8, 0.3, 0.7 (3/4)
    assert result["thresholds"] == {"a": 0.5, "b": 0.25}
    assert result["groups"]["selection_rate"].to_list() == [0.5, 0.75]
    assert result["groups"]["threshold"].to_list() == [0.5, 0.25]
    assert result["R"] == pytest.approx((0.5 / 0.75) / 0.8) and result["accuracy"] == 7 / 8
    explorer.controls["a"].value = 1.0  # a selects no one: its rate 0, so R = 0
    assert "R = 0</b>" in explorer.summary.value
    assert explorer.png().startswith(PNG_MAGIC)
    with pytest.raises(InvalidValueError, match="Unknown group 'c'; valid choices: a, b"):
        explorer.update(thresholds={"c": 0.5})


def test_threshold_refuses_bad_scores_and_labels_naming_them(loans):
    y_true, scores, groups = loans
    with pytest.raises(InvalidValueError, match="probabilities in \\[0, 1\\]; got values from"):
        plots.threshold_widget(y_true, scores * 2, groups, pos_label="ok", show=False)
    with pytest.raises(InvalidValueError, match=r"shape \(8,\).*got shape \(4,\)"):
        plots.threshold_widget(y_true, scores[:4], groups, pos_label="ok", show=False)
    with pytest.raises(InvalidValueError, match="pos_label='yes' and exactly one other"):
        plots.threshold_widget(y_true, scores, groups, pos_label="yes", show=False)
    with pytest.raises(InvalidValueError, match="threshold must be a number in .* got 1.5"):
        plots.threshold_widget(y_true, scores, groups, pos_label="ok", threshold=1.5, show=False)
    two = pd.DataFrame({"g": groups, "h": groups})
    with pytest.raises(InvalidValueError, match=r"one sensitive column; .*\['g', 'h'\]"):
        plots.threshold_widget(y_true, scores, two, pos_label="ok", per_group=True, show=False)


# --- break-even -------------------------------------------------------------------------------


def test_break_even_is_training_difference_over_per_prediction_difference():
    # b costs 2 kWh more to train and 0.25 kWh less per prediction: N* = 2 / 0.25 = 8.
    explorer = plots.break_even_widget(1.0, 0.5, 3.0, 0.25, names=("big", "small"), show=False)
    before = explorer.update(served=4)
    assert before["break_even"] == 8.0 and before["lower"] == "big"
    assert (before["lifetime_kwh_big"], before["lifetime_kwh_small"]) == (3.0, 4.0)
    after = explorer.update(served=100)
    assert after["lower"] == "small" and after["lifetime_kwh_small"] == 28.0
    assert "break-even at N* = 8 predictions" in after["sentence"]
    explorer.controls["served"].value = 1e9
    assert "lower: small" in explorer.summary.value
    assert explorer.png().startswith(PNG_MAGIC)


def test_break_even_says_no_measurable_difference_when_the_verdict_does():
    explorer = plots.break_even_widget(
        1.0, 0.5, 3.0, 0.25, verdict=NO_DIFFERENCE, served=1000, show=False
    )
    result = explorer.update()
    assert result["break_even"] is None and "no measurable difference" in result["sentence"]
    never = plots.break_even_widget(1.0, 0.25, 3.0, 0.5, show=False).update()  # b always more
    assert never["break_even"] is None and never["lower"] == "a"


def test_break_even_refuses_bad_inputs_naming_them():
    with pytest.raises(InvalidValueError, match="Unknown verdict 'fewer'; valid choices: less"):
        plots.break_even_widget(1.0, 0.5, 3.0, 0.25, verdict="fewer", show=False)
    with pytest.raises(
        InvalidValueError,
        match=r"served must be a number in \[100, 1e\+09\] \(predictions\); got 10",
    ):
        plots.break_even_widget(1.0, 0.5, 3.0, 0.25, served=10, show=False)
    with pytest.raises(InvalidValueError, match="training_kwh_b must be a finite number >= 0"):
        plots.break_even_widget(1.0, 0.5, -3.0, 0.25, show=False)
    with pytest.raises(InvalidValueError, match="names must be two different names"):
        plots.break_even_widget(1.0, 0.5, 3.0, 0.25, names=("a", "a"), show=False)


# --- without ipywidgets, and under papermill ---------------------------------------------------


def test_greennb_plots_imports_without_ipywidgets_and_a_widget_says_how_to_install_it():
    code = (
        "import sys; sys.modules['ipywidgets'] = None\n"
        "import greennb.plots as plots\n"
        "assert 'greennb.fairness' not in sys.modules\n"
        "try:\n"
        "    plots.break_even_widget(1.0, 0.5, 3.0, 0.25)\n"
        "except ImportError as error:\n"
        "    print(type(error).__name__, error)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.startswith(MissingDependencyError.__name__)
    assert WIDGET_DEPENDENCY_MSG.split("(")[0] in done.stdout and "pip install" in done.stdout


def test_a_widget_cell_under_nbclient_leaves_a_static_figure(tmp_path):
    import nbformat
    from nbclient import NotebookClient

    source = (
        "from greennb import plots\n"
        "explorer = plots.break_even_widget(1.0, 0.5, 3.0, 0.25, served=1000)"
    )
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    NotebookClient(notebook, timeout=120, kernel_name="python3").execute(cwd=str(tmp_path))
    outputs = notebook.cells[0].outputs
    kinds = [kind for output in outputs for kind in output.get("data", {})]
    assert "application/vnd.jupyter.widget-view+json" in kinds and "image/png" in kinds
    assert not [output for output in outputs if output.output_type == "error"]
