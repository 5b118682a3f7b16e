"""A sweep's grid: command-line parsing, expansion, checks against the case, hashes."""

from __future__ import annotations

import pytest

from greennb.errors import InvalidValueError
from greennb.runs import NOTEBOOKS_DIR_ENV, expand_grid, parse_grid, resolve_parameters
from greennb.runs._parameters import _parameter_hash
from greennb.runs._sweep_grid import (
    BAD_RANGE_MSG,
    DUPLICATE_POINTS_MSG,
    EMPTY_GRID_MSG,
    EMPTY_VALUES_MSG,
    GRID_ITEM_MSG,
    GRID_TWICE_MSG,
    NO_SEED_MSG,
    SEEDS_MSG,
    SEEDS_TWICE_MSG,
    default_sweep_name,
)


@pytest.fixture(autouse=True)
def sweep_notebooks(monkeypatch, fixture_notebooks):
    """The catalogue is the sweep fixture notebook (case 'seedy')."""
    monkeypatch.setenv(NOTEBOOKS_DIR_ENV, str(fixture_notebooks / "sweep"))


def test_parse_grid_splits_on_top_level_commas_and_reads_ranges():
    grid = parse_grid(["seed=0..3", "thresholds=[0.3,0.6],[0.5]", 'models="a,b",c', "x = 1, 2"])
    assert grid == {
        "seed": [0, 1, 2, 3],
        "thresholds": ["[0.3,0.6]", "[0.5]"],
        "models": ["a,b", "c"],
        "x": ["1", "2"],
    }
    assert parse_grid(["seed=-1..-1"]) == {"seed": [-1]}


@pytest.mark.parametrize(
    ("items", "message"),
    [
        (["seed"], GRID_ITEM_MSG.format(item="seed")),
        (["=1,2"], GRID_ITEM_MSG.format(item="=1,2")),
        (["seed=1", "seed=2"], GRID_TWICE_MSG.format(name="seed")),
        (["seed="], EMPTY_VALUES_MSG.format(name="seed")),
        (["seed=5..2"], BAD_RANGE_MSG.format(text="5..2")),
    ],
)
def test_parse_grid_refuses_bad_entries(items, message):
    with pytest.raises(InvalidValueError) as error:
        parse_grid(items)
    assert str(error.value) == message


def test_expand_grid_is_the_product_with_seeds_last_and_run_case_hashes():
    points = expand_grid("seedy", {"shift": ["0.0", "0.5"]}, seeds=2)
    assert [p.parameters for p in points] == [
        {"shift": 0.0, "seed": 0},
        {"shift": 0.0, "seed": 1},
        {"shift": 0.5, "seed": 0},
        {"shift": 0.5, "seed": 1},
    ]
    assert [p.index for p in points] == [0, 1, 2, 3]
    full = resolve_parameters("seedy", {"shift": 0.5, "seed": 1})
    assert points[3].full == full and points[3].hash == _parameter_hash(full)
    assert len({p.hash for p in points}) == 4
    assert default_sweep_name("seedy", points) == default_sweep_name("seedy", points[::-1])
    assert default_sweep_name("seedy", points) != default_sweep_name("seedy", points[:2])


def test_expand_grid_takes_python_values_and_a_single_string():
    points = expand_grid("seedy", {"seed": range(3), "country": "FRA"})
    assert [p.parameters for p in points] == [{"seed": s, "country": "FRA"} for s in range(3)]


@pytest.mark.parametrize(
    ("grid", "seeds", "message"),
    [
        ({}, None, EMPTY_GRID_MSG),
        ({"seed": []}, None, EMPTY_VALUES_MSG.format(name="seed")),
        ({"seed": [0]}, 2, SEEDS_TWICE_MSG.format(seeds=2)),
        ({}, 0, SEEDS_MSG.format(value=0)),
        ({}, True, SEEDS_MSG.format(value=True)),
        (
            {"seed": [1, 1]},
            None,
            DUPLICATE_POINTS_MSG.format(points=[0, 1], parameters={"seed": 1}),
        ),
    ],
)
def test_expand_grid_refuses_bad_grids(grid, seeds, message):
    with pytest.raises(InvalidValueError) as error:
        expand_grid("seedy", grid, seeds=seeds)
    assert str(error.value) == message


def test_every_point_is_checked_against_the_case_before_anything_runs(tmp_path):
    with pytest.raises(InvalidValueError, match=r"Unknown parameter 'nope' for case 'seedy'"):
        expand_grid("seedy", {"nope": [1]})
    with pytest.raises(InvalidValueError, match=r"grid point 1 \{'seed': 'x'\}: .*expects int"):
        expand_grid("seedy", {"seed": ["1", "x"]})
    with pytest.raises(
        InvalidValueError, match=r"grid point 1 .*'country'.*Unknown country code 'XYZ'"
    ):
        expand_grid("seedy", {"country": ["FRA", "XYZ"]})
    with pytest.raises(InvalidValueError, match=r"Unknown case 'nope'"):
        expand_grid("nope", {}, seeds=2)
    assert not list(tmp_path.iterdir())


def test_seeds_need_a_seed_parameter(monkeypatch, tmp_path, fixture_notebooks):
    (tmp_path / "00_noseed.ipynb").write_text(
        (fixture_notebooks / "sweep" / "00_seedy.ipynb")
        .read_text()
        .replace("seed: int = 0  # random seed\\n", ""),
        encoding="utf-8",
    )
    monkeypatch.setenv(NOTEBOOKS_DIR_ENV, str(tmp_path))
    with pytest.raises(InvalidValueError) as error:
        expand_grid("noseed", {}, seeds=3)
    assert str(error.value) == NO_SEED_MSG.format(case="noseed", seed="seed")
