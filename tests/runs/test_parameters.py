"""Case parameters: papermill's inspection, conversion of command-line text, checks, defaults."""

from __future__ import annotations

import pytest

from greennb.errors import RunFailed
from greennb.runs import (
    case_parameters,
    check_parameters,
    parameters_table,
    read_parameters_file,
    resolve_parameters,
    run_case,
)


def test_case_parameters_come_from_papermill_inspection():
    table = case_parameters("ok").set_index("name")
    assert table.loc["thresholds", "type"] == "list"
    assert table.loc["thresholds", "default"] == [0.5]
    assert table.loc["pue", "type"] == "float" and table.loc["pue", "default"] == 1.56
    assert table.loc["quick", "type"] == "bool" and table.loc["quick", "default"] is True
    assert table.loc["country", "help"] == "3-letter ISO code of the grid"
    assert table["reserved"].tolist() == [name == "run_dir" for name in table.index]
    assert table.loc["run_dir", "type"] == "str"


def test_run_dir_reaches_a_notebook_whose_run_dir_line_papermill_cannot_read(tmp_path):
    # boom's run_dir help has an '=' sign, so papermill's inspection skips the line; the
    # runner injects run_dir anyway (boom writes partial.txt there before failing).
    assert "run_dir" not in set(case_parameters("boom")["name"])
    with pytest.raises(RunFailed):
        run_case("boom", runs_root=tmp_path, progress=False)
    (failed,) = (tmp_path / "boom").iterdir()
    assert (failed / "partial.txt").exists()


def test_cli_strings_are_converted_to_the_parameter_types():
    checked = check_parameters(
        "ok",
        {
            "seed": "3",
            "pue": "1.2",
            "renewable_share": "1e-1",  # YAML 1.1 would keep this a string
            "quick": "false",
            "thresholds": "[0.3, 0.6]",
            "title": "yes",  # a str stays a str (YAML would read a bool)
            "country": "NOR",
        },
    )
    assert checked == {
        "seed": 3,
        "pue": 1.2,
        "renewable_share": 0.1,
        "quick": False,
        "thresholds": [0.3, 0.6],
        "title": "yes",
        "country": "NOR",
    }
    assert check_parameters("ok", {"pue": 2, "thresholds": (0.1,)}) == {
        "pue": 2.0,
        "thresholds": [0.1],
    }


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("seed", "x", "int"),
        ("seed", 1.5, "int"),
        ("seed", True, "int"),
        ("quick", "maybe", "bool"),
        ("thresholds", "0.3", "list"),
        ("pue", "high", "float"),
        ("title", 3, "str"),
    ],
)
def test_wrong_type_names_parameter_expected_type_and_value(name, value, expected):
    with pytest.raises(ValueError) as info:
        check_parameters("ok", {name: value})
    message = str(info.value)
    assert f"Parameter {name!r} of case 'ok' expects {expected}" in message
    assert f"got {value!r}" in message


def test_unknown_parameter_lists_the_valid_ones():
    with pytest.raises(ValueError, match="Unknown parameter 'epochs' for case 'ok'") as info:
        check_parameters("ok", {"epochs": "5"})
    assert "'thresholds'" in str(info.value) and "'run_dir'" not in str(info.value)


def test_run_dir_is_reserved_for_the_runner(tmp_path):
    with pytest.raises(ValueError, match="'run_dir' is set by the runner"):
        check_parameters("ok", {"run_dir": "/tmp/elsewhere"})
    with pytest.raises(ValueError, match="'run_dir' is set by the runner"):
        run_case("ok", {"run_dir": "x"}, runs_root=tmp_path, progress=False)
    assert not (tmp_path / "ok").exists()  # refused before anything was created


@pytest.mark.parametrize(
    ("name", "value", "shown"),
    [("country", "XYZ", "XYZ"), ("pue", "0.9", "0.9"), ("renewable_share", "1.5", "1.5")],
)
def test_invalid_pricing_values_are_refused_before_execution(name, value, shown):
    with pytest.raises(ValueError, match=f"Parameter '{name}' of case 'ok'") as info:
        check_parameters("ok", {name: value})
    assert shown in str(info.value)


def test_resolve_parameters_fills_the_defaults():
    full = resolve_parameters("ok", {"seed": "4"})
    assert full["seed"] == 4 and full["thresholds"] == [0.5] and full["country"] == "USA"
    assert "run_dir" not in full


def test_parameters_table_lists_every_case_without_run_dir():
    table = parameters_table()
    assert list(dict.fromkeys(table["case"])) == ["ok", "boom", "early_exit", "light"]
    assert "run_dir" not in set(table["name"])
    row = table.query("case == 'ok' and name == 'thresholds'").iloc[0]
    assert (row["notebook"], row["type"], row["default"]) == ("00_ok.ipynb", "list", [0.5])
    allowed = table.query("case == 'ok'").set_index("name")["allowed"]
    assert allowed["thresholds"] == "" and allowed["pue"] == "number >= 1"  # common rules apply
    assert allowed["device"].startswith("one of auto, cuda, mps, cpu")


def test_read_parameters_file_reads_yaml_and_json(tmp_path):
    (tmp_path / "p.yaml").write_text("seed: 5\ncountry: FRA\n")
    (tmp_path / "p.json").write_text('{"seed": 6, "thresholds": [0.1]}')
    assert read_parameters_file(tmp_path / "p.yaml") == {"seed": 5, "country": "FRA"}
    assert read_parameters_file(tmp_path / "p.json") == {"seed": 6, "thresholds": [0.1]}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read the parameters file"),
        ("- 1\n- 2\n", "must hold a mapping of names to values; got list"),
        ("seed: [1\n", "cannot read the parameters file"),
    ],
)
def test_read_parameters_file_refuses_what_is_not_a_mapping(tmp_path, content, message):
    path = tmp_path / "params.yaml"
    if content is not None:
        path.write_text(content)
    with pytest.raises(ValueError, match=message):
        read_parameters_file(path)
