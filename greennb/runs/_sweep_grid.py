"""A sweep's grid: its points, each checked against the case's parameters before anything runs.

A grid maps parameter names to the values to try; its points are every combination
(:func:`itertools.product`, the last name varying fastest, seeds last of all). Every point is
checked by :func:`~greennb.runs.check_parameters` (unknown names, types, the values the case
allows), completed with the notebook's defaults (:func:`~greennb.runs.resolve_parameters`) and
named by the same parameter hash as :func:`~greennb.runs.run_case`'s run folders, so a point
that ``greennb run`` already ran is found in the store.

On the command line a grid is ``NAME=V1,V2,...`` (commas inside brackets or quotes do not
split: ``thresholds=[0.3,0.6],[0.5]``, ``models="logistic,mlp",logistic``) or an inclusive
integer range ``NAME=A..B`` (``seed=0..9``): :func:`parse_grid`.

Examples
--------
>>> parse_grid(["seed=0..2", "models='logistic,mlp',logistic"])
{'seed': [0, 1, 2], 'models': ['logistic,mlp', 'logistic']}
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from greennb.errors import InvalidValueError
from greennb.runs._parameters import (
    HASH_LENGTH,
    _parameter_hash,
    check_parameters,
    resolve_parameters,
)

#: The parameter that ``seeds`` sets and that the across-seeds summary leaves out of a group.
SEED_PARAMETER = "seed"
#: ``A..B``: an inclusive range of integers.
_RANGE = re.compile(r"^\s*(-?\d+)\s*\.\.\s*(-?\d+)\s*$")
_OPENING, _CLOSING, _QUOTES = "[{(", "]})", "'\""

# Error-message templates, kept here so that tests can match them.
GRID_ITEM_MSG = "grid entry {item!r} is not NAME=V1,V2,... or NAME=A..B (e.g. seed=0..4)."
GRID_TWICE_MSG = "grid parameter {name!r} is given twice; list all its values in one entry."
EMPTY_VALUES_MSG = "grid parameter {name!r} has no values; give at least one."
BAD_RANGE_MSG = "grid range {text!r} is empty: its end must not be below its start."
SEEDS_MSG = "seeds must be an integer >= 1 (the seeds 0..seeds-1); got {value!r}."
SEEDS_TWICE_MSG = "give the seeds either as seeds={seeds} or in the grid (seed=...), not both."
NO_SEED_MSG = "case {case!r} has no {seed!r} parameter, so it cannot be swept over seeds."
EMPTY_GRID_MSG = "the grid is empty: give at least one parameter with values, or seeds."
DUPLICATE_POINTS_MSG = (
    "the grid gives the same run more than once (points {points} have the same parameters "
    "{parameters}); remove the repeated values."
)
BAD_POINT_MSG = "grid point {index} {parameters}: {error}"


@dataclass(frozen=True)
class SweepPoint:
    """One point of a sweep's grid.

    Attributes
    ----------
    index : int
        Position in the grid, from 0.
    parameters : dict
        The grid's values for this point (checked and converted to the parameters' types).
    full : dict
        The full parameter set of its run: the notebook's defaults updated by ``parameters``
        (``run_dir`` excluded), what ``params.json`` holds.
    hash : str
        The parameter hash of ``full``: the end of its run folder's name.
    """

    index: int
    parameters: dict[str, Any]
    full: dict[str, Any]
    hash: str


def _split_values(text: str) -> list[str]:
    """Split ``text`` on the commas that are outside brackets and quotes; strip one quote pair.

    Written by hand: :mod:`csv` knows quotes but not brackets, YAML reads ``a,b`` as one string.
    """
    values, current, depth, quote = [], [], 0, None
    for char in text:
        if quote:
            quote = None if char == quote else quote
        elif char in _QUOTES:
            quote = char
        elif char in _OPENING:
            depth += 1
        elif char in _CLOSING:
            depth = max(depth - 1, 0)
        elif char == "," and depth == 0:
            values.append("".join(current).strip())
            current = []
            continue
        current.append(char)
    values.append("".join(current).strip())
    return [v[1:-1] if len(v) > 1 and v[0] == v[-1] and v[0] in _QUOTES else v for v in values]


def _values(text: str) -> list[Any]:
    match = _RANGE.match(text)
    if match is None:
        return [value for value in _split_values(text) if value != ""]
    start, end = int(match[1]), int(match[2])
    if end < start:
        raise InvalidValueError(BAD_RANGE_MSG.format(text=text))
    return list(range(start, end + 1))


def parse_grid(items: Iterable[str]) -> dict[str, list[Any]]:
    """Read command-line grid entries ``NAME=V1,V2,...`` or ``NAME=A..B``.

    Parameters
    ----------
    items : iterable of str
        One entry per parameter (``greennb sweep -g``).

    Returns
    -------
    dict
        Parameter names to their values: text (converted to the parameter's type when the grid
        is expanded), or integers for a range.

    Raises
    ------
    greennb.errors.InvalidValueError
        For an entry without ``=``, a name given twice, no values, or an empty range.
    """
    grid: dict[str, list[Any]] = {}
    for item in items:
        name, equals, text = str(item).partition("=")
        name = name.strip()
        if not equals or not name:
            raise InvalidValueError(GRID_ITEM_MSG.format(item=item))
        if name in grid:
            raise InvalidValueError(GRID_TWICE_MSG.format(name=name))
        values = _values(text)
        if not values:
            raise InvalidValueError(EMPTY_VALUES_MSG.format(name=name))
        grid[name] = values
    return grid


def _with_seeds(case: str, grid: Mapping[str, Any], seeds: int | None) -> dict[str, list[Any]]:
    """Return the grid as lists, with ``seed = 0..seeds-1`` last when ``seeds`` is given."""
    full = {}
    for name, values in grid.items():
        listed = [values] if isinstance(values, str) else list(values)
        if not listed:
            raise InvalidValueError(EMPTY_VALUES_MSG.format(name=name))
        full[str(name)] = listed
    if seeds is None:
        return full
    if isinstance(seeds, bool) or not isinstance(seeds, int) or seeds < 1:
        raise InvalidValueError(SEEDS_MSG.format(value=seeds))
    if SEED_PARAMETER in full:
        raise InvalidValueError(SEEDS_TWICE_MSG.format(seeds=seeds))
    check_parameters(case, {})  # an unknown case fails here, naming the valid ones
    if SEED_PARAMETER not in resolve_parameters(case):
        raise InvalidValueError(NO_SEED_MSG.format(case=case, seed=SEED_PARAMETER))
    full[SEED_PARAMETER] = list(range(seeds))
    return full


def _point(case: str, index: int, parameters: dict[str, Any]) -> SweepPoint:
    try:
        checked = check_parameters(case, parameters)
    except InvalidValueError as error:
        raise InvalidValueError(
            BAD_POINT_MSG.format(index=index, parameters=parameters, error=error)
        ) from None
    full = resolve_parameters(case, checked)
    return SweepPoint(index, checked, full, _parameter_hash(full))


def expand_grid(
    case: str, grid: Mapping[str, Any], *, seeds: int | None = None
) -> list[SweepPoint]:
    """Return every point of a grid, each checked against the case before anything runs.

    Parameters
    ----------
    case : str
        Case name (see :func:`~greennb.runs.list_cases`).
    grid : mapping
        Parameter names to a sequence of values (text is converted to the parameter's type,
        as ``greennb run -p`` does); a single string is one value.
    seeds : int, optional
        Also sweep ``seed`` over ``0, 1, ..., seeds - 1`` (the fastest-varying parameter).

    Returns
    -------
    list of SweepPoint
        In grid order (:func:`itertools.product`, the last parameter varying fastest).

    Raises
    ------
    greennb.errors.InvalidValueError
        For an unknown case or parameter, a value of the wrong type or not allowed by the case
        (naming the point, the value and the valid choices), an empty grid, ``seeds`` given
        twice or for a case without a seed, or two points with the same parameters.

    Examples
    --------
    >>> [p.parameters for p in expand_grid("finance", {"bar": [0.8, 0.9]}, seeds=2)]
    ... # doctest: +SKIP
    [{'bar': 0.8, 'seed': 0}, {'bar': 0.8, 'seed': 1}, {'bar': 0.9, 'seed': 0}, ...]
    """
    lists = _with_seeds(case, grid, seeds)
    if not lists:
        raise InvalidValueError(EMPTY_GRID_MSG)
    names = list(lists)
    points = [
        _point(case, index, dict(zip(names, values, strict=True)))
        for index, values in enumerate(itertools.product(*lists.values()))
    ]
    _refuse_duplicates(points)
    return points


def _refuse_duplicates(points: Sequence[SweepPoint]) -> None:
    seen: dict[str, int] = {}
    for point in points:
        if point.hash in seen:
            indices = [seen[point.hash], point.index]
            raise InvalidValueError(
                DUPLICATE_POINTS_MSG.format(points=indices, parameters=point.parameters)
            )
        seen[point.hash] = point.index


def default_sweep_name(case: str, points: Sequence[SweepPoint]) -> str:
    """Return the name a sweep gets when none is given: ``<case>-<hash of its points>``.

    The same grid gives the same name, so running it again resumes it.

    Examples
    --------
    >>> point = SweepPoint(0, {"seed": 0}, {"seed": 0}, "00000000")
    >>> default_sweep_name("finance", [point])
    'finance-7e071fd9'
    """
    text = ",".join(sorted(point.hash for point in points))
    return f"{case}-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:HASH_LENGTH]}"
