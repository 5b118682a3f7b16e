"""Generalization hierarchies, and the search that makes a table k-anonymous with them.

A :class:`Hierarchy` lists, for one quasi-identifier, ever coarser versions of its values:
level 0 is the raw value, the last level replaces every value by ``"*"`` (the column is
suppressed). :func:`anonymize` picks one level per quasi-identifier by a search over the
lattice of level combinations (Samarati 2001; LeFevre, DeWitt and Ramakrishnan's Incognito,
2005, search the same lattice), *suppresses* (removes) the rows of the classes that are
still smaller than k, within a limit on the share of rows removed, and keeps the combination
that loses the least information by Bayardo and Agrawal's (2005) discernibility metric.

Written in-house for the reasons given in :mod:`greennb.privacy._anonymity` (pycanon and
anonymeter pin numpy, pandas and scipy below ours; neither generalizes a table). The search
works on integer codes: each column's levels are coded once, and a combination of levels is
measured with one ``numpy.bincount`` of a mixed-radix key (:mod:`greennb.privacy._lattice`),
so the full covid_testing table (15,223 rows, 720 combinations) is anonymized in a fraction
of a second.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"age": [31, 33, 38, 52, 55, 57], "sex": ["f", "f", "f", "m", "m", "m"]})
>>> ages = Hierarchy.bands("age", [10, 20])
>>> ages.apply(frame["age"], 1).tolist()
['[30, 40)', '[30, 40)', '[30, 40)', '[50, 60)', '[50, 60)', '[50, 60)']
>>> table = anonymize(frame, [ages, Hierarchy.from_mapping("sex", [])], k=3)
>>> table.levels, table.report.k, table.suppressed_rows
({'age': 1, 'sex': 0}, 3, 0)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from greennb._json import to_json_value
from greennb._validation import fraction, integer, is_real, one_of, positive, require_columns
from greennb.errors import InvalidTypeError, InvalidValueError
from greennb.privacy._anonymity import (
    DUPLICATE_COLUMN_MSG,
    AnonymityReport,
    check_frame,
    class_ids,
    k_anonymity,
)
from greennb.privacy._lattice import PREFERENCES, Node, measure_levels, node_key, search

SUPPRESSED = "*"
"""The label of a value generalized away entirely (the hierarchy's last level)."""
OTHER = "other"
"""The label :meth:`Hierarchy.top_k` gives to the categories outside the k most frequent."""

WIDTHS_ORDER_MSG = "widths of the bands of {column!r} must increase; got {widths}."
KS_ORDER_MSG = "ks of the top-k hierarchy of {column!r} must decrease; got {ks}."
NOT_NUMERIC_MSG = "Hierarchy.bands needs numbers in {column!r}; got {value!r} of type {type}."
NOT_A_MAPPING_MSG = "level {level} of the hierarchy of {column!r} must be a mapping; got {type}."
UNMAPPED_MSG = (
    "level {level} of the hierarchy of {column!r} gives no group to the values {values}; "
    "values it maps: {mapped}."
)
NOT_A_HIERARCHY_MSG = "hierarchies must hold Hierarchy objects; got {value!r} of type {type}."
NO_HIERARCHIES_MSG = "hierarchies is empty: give one Hierarchy per quasi-identifier."
INFEASIBLE_MSG = (
    "No generalization of {columns} reaches k={k} with at most {share:.1%} of the {rows} rows "
    "suppressed ({allowed} rows). The best reached is k={best_k} at levels {levels}; reaching "
    "k={k} there would suppress {suppressed} rows in {n_small} classes of sizes {sizes}. Use a "
    "coarser hierarchy or a larger max_suppression."
)

LevelFunction = Callable[[np.ndarray, np.ndarray], Sequence[Any]]
"""Labels of an intermediate level: (distinct raw values, their row counts) -> one label each."""


def _format_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.10g}"


def _listed(items: Iterator[str] | Any, limit: int) -> str:
    items = list(items)
    return ", ".join(items[:limit]) + (", ..." if len(items) > limit else "")


def _raw_label(value: Any) -> str:
    if is_real(value):  # 45.0 -> "45", 0.8 -> "0.8" (full precision: raw values stay distinct)
        return str(int(value)) if float(value).is_integer() else str(value)
    return str(value)


class Hierarchy:
    """The generalization levels of one quasi-identifier, from raw (0) to ``"*"`` (last).

    Build one with :meth:`bands` (numbers to intervals), :meth:`from_mapping` (categories to
    groups) or :meth:`top_k` (rare categories to ``"other"``). Missing values stay missing
    (a category of their own) at every level but the last.

    Parameters
    ----------
    column : str
        The quasi-identifier the hierarchy generalizes.
    levels : sequence of (str, callable)
        The intermediate levels, finest first, as (name, function); the function receives
        the distinct non-missing raw values of the column and their row counts and returns
        one label per value. Level 0 (raw) and the last level (``"*"``) are added.

    Attributes
    ----------
    column : str
        The column's name.
    level_names : tuple of str
        A name for every level, ``"raw"`` first and ``"*"`` last.
    """

    def __init__(self, column: str, levels: Sequence[tuple[str, LevelFunction]] = ()) -> None:
        self.column = column
        self._functions = tuple(function for _, function in levels)
        self.level_names = ("raw", *(name for name, _ in levels), SUPPRESSED)

    @property
    def height(self) -> int:
        """The number of levels, counting level 0 (raw) and the last one (``"*"``)."""
        return len(self.level_names)

    def __repr__(self) -> str:
        return f"Hierarchy({self.column!r}, levels={self.level_names})"

    @classmethod
    def bands(cls, column: str, widths: Sequence[float]) -> Hierarchy:
        """Generalize numbers to intervals ``[lo, lo + width)``, one increasing width a level.

        Bands start at 0 (``lo`` is a multiple of the width), so bands of 7 days on a day
        count give calendar-like weeks.

        Parameters
        ----------
        column : str
            A numeric column (years of age, days since the start of the pandemic, ...).
        widths : sequence of float
            The band width of each level, > 0 and increasing, in the column's unit.

        Examples
        --------
        >>> import pandas as pd
        >>> Hierarchy.bands("age", [5, 10]).apply(pd.Series([0.8, 12.0, None]), 2).tolist()
        ['[0, 10)', '[10, 20)', nan]
        """
        checked = [positive(w, name=f"width of the bands of {column!r}") for w in widths]
        if any(b <= a for a, b in zip(checked, checked[1:], strict=False)):
            raise InvalidValueError(WIDTHS_ORDER_MSG.format(column=column, widths=list(widths)))
        levels = [(f"bands of {_format_number(w)}", _band_function(column, w)) for w in checked]
        return cls(column, levels)

    @classmethod
    def from_mapping(cls, column: str, levels: Sequence[Mapping[Any, Any]]) -> Hierarchy:
        """Generalize categories to groups, one mapping from raw values to groups a level.

        Parameters
        ----------
        column : str
            A categorical column.
        levels : sequence of mapping
            For each level, finest first, a mapping from every raw value to its group (e.g.
            clinic -> kind of clinic). Give ``[]`` for a column that is either kept or
            suppressed. A raw value missing from a mapping is an error when applied.

        Examples
        --------
        >>> import pandas as pd
        >>> groups = {"ward a": "ward", "ward b": "ward", "lab": "lab"}
        >>> clinics = Hierarchy.from_mapping("clinic", [groups])
        >>> clinics.apply(pd.Series(["ward b", "lab"]), 1).tolist()
        ['ward', 'lab']
        """
        functions = []
        for number, mapping in enumerate(levels, start=1):
            if not isinstance(mapping, Mapping):
                kind = type(mapping).__name__
                raise InvalidTypeError(
                    NOT_A_MAPPING_MSG.format(level=number, column=column, type=kind)
                )
            functions.append((f"mapping {number}", _mapping_function(column, number, mapping)))
        return cls(column, functions)

    @classmethod
    def top_k(cls, column: str, ks: Sequence[int]) -> Hierarchy:
        """Keep the k most frequent categories and label the rest ``"other"``, one k a level.

        Frequencies are counted in the series that is generalized (ties broken by label).

        Parameters
        ----------
        column : str
            A categorical column.
        ks : sequence of int
            The number of categories kept at each level, >= 1 and decreasing.

        Examples
        --------
        >>> import pandas as pd
        >>> Hierarchy.top_k("clinic", [1]).apply(pd.Series(["a", "b", "b"]), 1).tolist()
        ['other', 'b', 'b']
        """
        name = f"k of the top-k hierarchy of {column!r}"
        checked = [integer(k, name=name, minimum=1) for k in ks]
        if any(b >= a for a, b in zip(checked, checked[1:], strict=False)):
            raise InvalidValueError(KS_ORDER_MSG.format(column=column, ks=list(ks)))
        return cls(column, [(f"top {k}", _top_k_function(k)) for k in checked])

    def apply(self, series: pd.Series, level: int) -> pd.Series:
        """Return the values of ``series`` generalized to ``level``, as string labels.

        Parameters
        ----------
        series : pandas.Series
            The column's values.
        level : int
            0 (raw, as strings) to ``height - 1`` (every value ``"*"``).

        Returns
        -------
        pandas.Series
            The labels, with the index and name of ``series`` (missing values stay missing
            below the last level).
        """
        level = self._check_level(level)
        codes, labels = self.coded(series)[level]
        return pd.Series(labels[codes], index=series.index, name=series.name)

    def coded(self, series: pd.Series) -> list[tuple[np.ndarray, np.ndarray]]:
        """Return, for every level, each row's label code and the labels (object array).

        Codes index the labels; missing values have the last code, whose label is NaN.
        """
        raw, uniques = pd.factorize(series)
        values = np.asarray(uniques, dtype=object)
        counts = np.bincount(raw[raw >= 0], minlength=len(values))
        coded = [_coded_level(raw, [_raw_label(v) for v in values])]
        for function in self._functions:
            coded.append(_coded_level(raw, function(values, counts)))
        coded.append((np.zeros(len(raw), dtype=np.int64), np.array([SUPPRESSED], dtype=object)))
        return coded

    def _check_level(self, level: Any) -> int:
        level = integer(level, name=f"level of the hierarchy of {self.column!r}")
        return one_of(level, range(self.height), name=f"level of the hierarchy of {self.column!r}")


def _coded_level(raw: np.ndarray, labels: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
    label_codes, distinct = pd.factorize(np.asarray(labels, dtype=object))
    # raw code -1 (missing) picks the appended last entry: its own code, labelled NaN
    per_value = np.append(label_codes, len(distinct)).astype(np.int64)
    names = np.append(np.asarray(distinct, dtype=object), np.nan)
    return per_value[raw], names


def _band_function(column: str, width: float) -> LevelFunction:
    def bands(values: np.ndarray, counts: np.ndarray) -> list[str]:
        strange = next((v for v in values if not is_real(v)), None)
        if strange is not None:
            kind = type(strange).__name__
            raise InvalidTypeError(NOT_NUMERIC_MSG.format(column=column, value=strange, type=kind))
        lows = np.floor(values.astype(float) / width) * width
        distinct, position = np.unique(lows, return_inverse=True)
        names = [f"[{_format_number(lo)}, {_format_number(lo + width)})" for lo in distinct]
        return [names[p] for p in position]

    return bands


def _mapping_function(column: str, number: int, mapping: Mapping[Any, Any]) -> LevelFunction:
    def groups(values: np.ndarray, counts: np.ndarray) -> list[str]:
        unmapped = [v for v in values if v not in mapping]
        if unmapped:
            shown, mapped = _listed(map(repr, unmapped), 5), _listed(map(repr, mapping), 10)
            raise InvalidValueError(
                UNMAPPED_MSG.format(level=number, column=column, values=shown, mapped=mapped)
            )
        return [str(mapping[v]) for v in values]

    return groups


def _top_k_function(k: int) -> LevelFunction:
    def top(values: np.ndarray, counts: np.ndarray) -> list[str]:
        order = sorted(range(len(values)), key=lambda i: (-counts[i], str(values[i])))
        kept = set(order[:k])
        return [_raw_label(v) if i in kept else OTHER for i, v in enumerate(values)]

    return top


@dataclass
class AnonymizedTable:
    """A table released k-anonymous, with what it cost in information.

    Attributes
    ----------
    frame : pandas.DataFrame
        The released rows: quasi-identifiers replaced by their generalized labels (strings),
        the rows of classes still smaller than k removed, the other columns and the index
        as given (drop or pseudonymize direct identifiers before anonymizing). Not shown in
        the ``repr``.
    levels : dict of str to int
        The hierarchy level used for each quasi-identifier (0 = raw).
    suppressed_rows : int
        The number of rows removed.
    report : AnonymityReport
        k and the re-identification risk of the released frame.
    information_loss : dict of str to float
        ``discernibility``: the sum over released classes of size², plus the rows
        suppressed times the rows of the input (Bayardo and Agrawal, "Data Privacy through
        Optimal k-Anonymization", ICDE 2005): each row is charged the size of the class it
        hides in, a removed row the whole table. ``generalization_height``: the mean over
        quasi-identifiers of level / (height - 1), 0 = raw, 1 = every column ``"*"``.
        ``suppressed_share``: the fraction of input rows removed.
    """

    frame: pd.DataFrame = field(repr=False)
    levels: dict[str, int]
    suppressed_rows: int
    report: AnonymityReport
    information_loss: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        """Return everything but the released rows, as plain JSON types."""
        return to_json_value(
            {
                "levels": self.levels,
                "suppressed_rows": self.suppressed_rows,
                "report": self.report.to_dict(),
                "information_loss": self.information_loss,
            }
        )


def _check_hierarchies(frame: pd.DataFrame, hierarchies: Any) -> tuple[Hierarchy, ...]:
    if not isinstance(hierarchies, Sequence) or isinstance(hierarchies, (str, Hierarchy)):
        hierarchies = [hierarchies]
    checked = tuple(hierarchies)
    if not checked:
        raise InvalidValueError(NO_HIERARCHIES_MSG)
    for hierarchy in checked:
        if not isinstance(hierarchy, Hierarchy):
            kind = type(hierarchy).__name__
            raise InvalidTypeError(NOT_A_HIERARCHY_MSG.format(value=hierarchy, type=kind))
    columns = [h.column for h in checked]
    require_columns(frame, columns, role="quasi-identifier")
    for column in columns:
        if columns.count(column) > 1:
            raise InvalidValueError(
                DUPLICATE_COLUMN_MSG.format(role="quasi-identifier", column=column, names=columns)
            )
    return checked


def _tops(hierarchies: Sequence[Hierarchy], max_levels: Mapping[str, int] | None) -> list[int]:
    tops = {h.column: h.height - 1 for h in hierarchies}
    for column, level in (max_levels or {}).items():
        one_of(column, list(tops), name="column of max_levels")
        level = integer(level, name=f"max_levels[{column!r}]")
        tops[column] = one_of(level, range(tops[column] + 1), name=f"max_levels[{column!r}]")
    return list(tops.values())


def _infeasible(coded, hierarchies, tops, k: int, max_suppression: float, allowed: int):
    top = measure_levels(coded, tops, k)
    small = np.sort(top.sizes[top.sizes < k])
    shown = _listed(map(str, small), 10)
    return InvalidValueError(
        INFEASIBLE_MSG.format(
            columns=[h.column for h in hierarchies],
            k=k,
            share=max_suppression,
            rows=len(coded[0][0][0]),
            allowed=allowed,
            best_k=int(top.sizes.min()),
            levels={h.column: level for h, level in zip(hierarchies, tops, strict=True)},
            suppressed=top.suppressed,
            n_small=len(small),
            sizes=shown,
        )
    )


def anonymize(
    frame: pd.DataFrame,
    hierarchies: Sequence[Hierarchy],
    *,
    k: int,
    max_suppression: float = 0.05,
    max_levels: Mapping[str, int] | None = None,
    prefer: str = "least_generalization",
) -> AnonymizedTable:
    """Make ``frame`` k-anonymous by generalizing its quasi-identifiers and suppressing rows.

    The search measures every combination of levels (one level per hierarchy). A
    combination is *feasible* when removing the rows of its classes smaller than ``k``
    removes at most ``max_suppression`` of the rows (and not all of them). Of the feasible
    combinations, by default the least generalized is kept (the lowest total height, the
    sum over quasi-identifiers of level / (height - 1): Samarati's minimal generalization,
    2001), and among equally high ones the one with the lowest discernibility;
    ``prefer="least_discernibility"`` ranks by discernibility first (see
    :mod:`greennb.privacy._lattice`). Remaining ties go to the first levels in lexicographic
    order.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table to release (at least one row).
    hierarchies : sequence of Hierarchy
        One per quasi-identifier; the quasi-identifiers are their columns.
    k : int
        The smallest class size wanted in the release (>= 1), rows; risk is at most 1 / k.
    max_suppression : float, default 0.05
        The largest fraction of rows that may be removed, in [0, 1].
    max_levels : mapping of str to int, optional
        The highest level allowed for some columns (e.g. ``{"gender": 0}`` never
        generalizes gender); by default every level up to ``"*"``.
    prefer : {"least_generalization", "least_discernibility"}, default "least_generalization"
        Which loss the choice minimizes first (the other breaks ties).

    Returns
    -------
    AnonymizedTable
        The released frame, the levels chosen, rows suppressed, the release's report and
        its information loss.

    Raises
    ------
    InvalidValueError
        When no combination reaches ``k`` within ``max_suppression``: the message gives the
        best k reached (at the highest levels allowed) and the classes that would have to be
        suppressed there (count and sizes). Also for a missing or repeated column, an empty
        list of hierarchies, a frame without rows, a bad ``k``, ``max_suppression`` or
        ``prefer``, or a lattice of more than 100,000 combinations.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"age": [21, 22, 23, 47], "sex": ["f", "f", "f", "m"]})
    >>> table = anonymize(frame, [Hierarchy.bands("age", [10])], k=3, max_suppression=0.25)
    >>> table.levels, table.suppressed_rows, table.frame["age"].tolist()
    ({'age': 1}, 1, ['[20, 30)', '[20, 30)', '[20, 30)'])
    """
    frame = check_frame(frame)
    hierarchies = _check_hierarchies(frame, hierarchies)
    k = integer(k, name="k", minimum=1, unit="rows")
    max_suppression = fraction(max_suppression, name="max_suppression", unit="share of rows")
    one_of(prefer, PREFERENCES, name="prefer")
    tops = _tops(hierarchies, max_levels)
    rows = len(frame)
    allowed = math.floor(max_suppression * rows + 1e-9)  # 0.29 * 100 is 28.999999999999996
    coded = [h.coded(frame[h.column]) for h in hierarchies]
    columns = [h.column for h in hierarchies]
    heights = [h.height for h in hierarchies]
    best = search(coded, tops, heights, k=k, allowed=allowed, prefer=prefer, columns=columns)
    if best is None:
        raise _infeasible(coded, hierarchies, tops, k, max_suppression, allowed)
    return _release(frame, hierarchies, coded, best, k)


def _release(frame, hierarchies, coded, best: Node, k: int) -> AnonymizedTable:
    chosen = [column[level] for column, level in zip(coded, best.levels, strict=True)]
    ids, sizes = class_ids(node_key(coded, best.levels))
    keep = np.flatnonzero(sizes[ids] >= k)
    released = frame.iloc[keep].copy()
    for hierarchy, (codes, labels) in zip(hierarchies, chosen, strict=True):
        released[hierarchy.column] = pd.Series(labels[codes[keep]], index=released.index)
    columns = [h.column for h in hierarchies]
    heights = [level / (h.height - 1) for h, level in zip(hierarchies, best.levels, strict=True)]
    return AnonymizedTable(
        frame=released,
        levels=dict(zip(columns, best.levels, strict=True)),
        suppressed_rows=best.suppressed,
        report=k_anonymity(released, columns, target_k=k),
        information_loss={
            "discernibility": best.discernibility,
            "generalization_height": float(np.mean(heights)),
            "suppressed_share": best.suppressed / len(frame),
        },
    )
