"""``greennb compare RUN_A RUN_B``: the parameters that differ, what changed, or an error."""

from __future__ import annotations

import pytest

from greennb import cli
from greennb.runs import RunRecord

RUN_A = "finance/20250101T000000_000000Z-aaaaaaaa"
RUN_B = "finance/20250102T000000_000000Z-bbbbbbbb"


@pytest.fixture
def two_runs(tmp_path, hmda, energy_result):
    """A store of two finance runs: epochs 5 (mlp trains 2 mWh) and epochs 10 (mlp 4 mWh)."""
    data, split = hmda
    root = tmp_path / "runs"
    for name, epochs, kwh in ((RUN_A, 5, 2e-3), (RUN_B, 10, 4e-3)):
        record = RunRecord("finance", parameters={"seed": 0, "epochs": epochs}, run_dir=root / name)
        record.set_dataset(data, split)
        train = energy_result(kwh, 2.0, phase="train")
        record.add_model("mlp", quality={"accuracy": 0.9 if epochs == 5 else 0.92}, energy=[train])
        record.write(close_energy=False)
    return root


def test_compare_prints_the_parameters_and_the_changes(two_runs, capsys):
    assert cli.main(["compare", RUN_A, RUN_B, "--runs-dir", str(two_runs)]) == 0
    out = capsys.readouterr().out
    assert f"A = {RUN_A}, B = {RUN_B}" in out
    assert "Parameters that differ:" in out
    (epochs,) = [line.split() for line in out.splitlines() if line.split()[:1] == ["epochs"]]
    assert epochs == ["epochs", "5", "10"]
    (accuracy,) = [line.split() for line in out.splitlines() if "accuracy" in line]
    assert accuracy == ["mlp", "accuracy", "fraction", "0.9", "0.92", "0.02"]
    (energy,) = [line.split() for line in out.splitlines() if " energy_kwh " in line]
    assert energy == ["mlp", "energy_kwh", "kWh", "0.002", "0.004", "0.002", "2", "more"]
    assert "mlp in B uses more energy than mlp in A (2×, beyond the 15 % run-to-run noise)" in out


def test_compare_of_an_unknown_run_names_it_and_known_runs(two_runs, capsys):
    status = cli.main(["compare", RUN_A, "finance/typo", "--runs-dir", str(two_runs)])
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert "unknown run 'finance/typo'" in err and f"known runs: {RUN_B}, {RUN_A}" in err
