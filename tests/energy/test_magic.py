"""Tests of the %%track IPython cell magic (greennb.energy._magic)."""

import pytest

from greennb.energy import _codecarbon as adapter
from greennb.energy import configure, get_session, load_ipython_extension
from greennb.energy._magic import MAGIC_RESULT_VARIABLE


@pytest.fixture
def shell(tmp_path, own_global_session, fakes, monkeypatch):
    interactiveshell = pytest.importorskip("IPython.core.interactiveshell")
    from traitlets.config import Config

    def tracker(**settings):
        return fakes.Tracker([fakes.data(cpu=1e-6, duration=0.2)], **settings)

    monkeypatch.setattr(adapter, "offline_tracker", tracker)
    configure(country="FRA", output_dir=tmp_path)
    config = Config()
    config.HistoryManager.hist_file = ":memory:"  # keep the test out of ~/.ipython
    ipython = interactiveshell.InteractiveShell.instance(config=config)
    load_ipython_extension(ipython)
    return ipython


def test_cell_magic_runs_cell_prints_and_stores_result(shell, capsys):
    outcome = shell.run_cell("%%track train\ny = 21\ny * 2\n")
    assert outcome.success and outcome.result == 42
    assert shell.user_ns["y"] == 21
    stored = shell.user_ns[MAGIC_RESULT_VARIABLE]
    assert stored.phase == "train" and stored.energy_kwh == 1e-6
    assert get_session().results[-1] is stored
    assert "[greennb] train: 0.20 s, 0.001 Wh estimated" in capsys.readouterr().out


def test_cell_magic_failing_cell_fails_and_still_reports(shell, capsys):
    outcome = shell.run_cell("%%track evaluate\nz = 1\n1 / 0\n")
    assert isinstance(outcome.error_in_exec, ZeroDivisionError)
    assert shell.user_ns["z"] == 1
    assert shell.user_ns[MAGIC_RESULT_VARIABLE].phase == "evaluate"
    assert "[greennb] evaluate:" in capsys.readouterr().out


def test_cell_magic_default_phase_name(shell):
    shell.run_cell("%%track\nx = 1\n")
    assert shell.user_ns[MAGIC_RESULT_VARIABLE].phase == "cell"


def test_cell_magic_without_final_expression_returns_none(shell):
    outcome = shell.run_cell("%%track fit\nw = 3\n")
    assert outcome.success and outcome.result is None and shell.user_ns["w"] == 3


def test_cell_magic_with_a_trailing_semicolon_shows_no_value(shell):
    outcome = shell.run_cell("%%track fit\nw = 3\nw * 2;  # a fitted estimator's repr, hidden\n")
    assert outcome.success and outcome.result is None and shell.user_ns["w"] == 3
    assert shell.user_ns[MAGIC_RESULT_VARIABLE].phase == "fit"
