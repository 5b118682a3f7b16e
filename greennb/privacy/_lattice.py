"""The search over the lattice of generalization levels that :func:`anonymize` runs.

A *node* of the lattice is one level per quasi-identifier. Each node is measured on integer
codes: the rows' label codes of the chosen levels are combined into one mixed-radix key,
and the class sizes are one ``numpy.bincount`` of it (a hash of the keys when the radix
product is too large for a dense histogram). The walk is depth-first, so the key of a prefix
of levels is computed once and shared by every node below it.

Every node is measured, then the feasible ones (at most the allowed rows suppressed) are
ranked by one of two preferences (:data:`PREFERENCES`):

* ``"least_generalization"``: the lowest total generalization height (the sum over
  quasi-identifiers of level / (height - 1)), ties broken by discernibility: the minimal
  generalization of Samarati (2001). It leaves columns as fine as possible, but may suppress
  up to the limit.
* ``"least_discernibility"``: the lowest discernibility (Bayardo and Agrawal 2005), ties
  broken by height: the optimum of that metric, as ARX's Flash search finds it. Since the
  metric charges a suppressed row the whole table, it often gives up a column entirely
  (``"*"``) to save a few rows.

Either way remaining ties go to the first levels in lexicographic order. The chosen measure
never grows when k is lowered (a node feasible for k is feasible, at no greater loss, for
any smaller k). Discernibility is not monotone through the lattice (generalizing a column
lowers it when fewer rows are suppressed, raises it when classes grow), so no branch of the
lattice can be skipped safely for it.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pandas as pd

from greennb.errors import InvalidValueError
from greennb.privacy._anonymity import class_ids, combine_codes

PREFERENCES = ("least_generalization", "least_discernibility")
"""How :func:`search` ranks the feasible nodes (see the module's docstring)."""

MAX_NODES = 100_000
"""The largest lattice searched (combinations of levels); more is refused, not run for hours."""

LATTICE_TOO_LARGE_MSG = (
    "The hierarchies of {columns} span {nodes:,} combinations of levels, more than the "
    "{limit:,} searched; use fewer quasi-identifiers or levels, or cap some with max_levels."
)

Coded = Sequence[Sequence[tuple[np.ndarray, np.ndarray]]]
"""Per quasi-identifier, per level: each row's label code and the labels."""


@dataclass(frozen=True)
class Node:
    """One combination of levels, measured.

    Attributes
    ----------
    levels : tuple of int
        The level of each quasi-identifier.
    sizes : numpy.ndarray of int
        The size of every equivalence class, rows.
    suppressed : int
        The rows in classes smaller than k.
    discernibility : int
        Sum of the kept classes' sizes squared, plus suppressed rows x all rows.
    """

    levels: tuple[int, ...]
    sizes: np.ndarray
    suppressed: int
    discernibility: int


def _dense_limit(rows: int) -> int:
    return 4 * rows + 1024  # up to this radix product a dense histogram beats hashing keys


def measure(levels: tuple[int, ...], key: np.ndarray, span: int, k: int) -> Node:
    """Measure the node whose rows have class keys ``key`` in ``[0, span)``."""
    if span <= _dense_limit(len(key)):
        counts = np.bincount(key, minlength=span)
        sizes = counts[counts > 0]
    else:
        _, sizes = class_ids(key)
    small = sizes < k
    suppressed = int(sizes[small].sum())
    kept = sizes[~small].astype(np.int64)
    discernibility = int((kept * kept).sum()) + suppressed * len(key)
    return Node(levels, sizes, suppressed, discernibility)


def node_key(coded: Coded, levels: Sequence[int]) -> np.ndarray:
    """Return each row's class key at the given levels."""
    chosen = [column[level] for column, level in zip(coded, levels, strict=True)]
    return combine_codes([codes for codes, _ in chosen], [len(labels) for _, labels in chosen])


def measure_levels(coded: Coded, levels: Sequence[int], k: int) -> Node:
    """Measure one node given by its levels."""
    span = math.prod(len(column[level][1]) for column, level in zip(coded, levels, strict=True))
    return measure(tuple(levels), node_key(coded, levels), span, k)


def _walk(coded: Coded, tops: Sequence[int]) -> Iterator[tuple[tuple[int, ...], np.ndarray, int]]:
    rows = len(coded[0][0][0])

    def visit(column: int, levels: tuple[int, ...], key: np.ndarray | None, span: int):
        if column == len(coded):
            yield levels, key, span
            return
        compressed = None
        for level in range(tops[column] + 1):
            codes, labels = coded[column][level]
            width = len(labels)
            if key is None:
                yield from visit(column + 1, (level,), codes, width)
                continue
            prefix, prefix_span = key, span
            if span * width > _dense_limit(rows):
                if compressed is None:  # renumber the prefix's classes once, 0..n-1
                    ids, uniques = pd.factorize(key)
                    compressed = (ids.astype(np.int64, copy=False), len(uniques))
                prefix, prefix_span = compressed
            yield from visit(
                column + 1, (*levels, level), prefix * width + codes, prefix_span * width
            )

    yield from visit(0, (), None, 1)


def search(
    coded: Coded,
    tops: Sequence[int],
    heights: Sequence[int],
    *,
    k: int,
    allowed: int,
    prefer: str,
    columns: Sequence[str],
) -> Node | None:
    """Return the best feasible node, or None if no node is feasible.

    Parameters
    ----------
    coded : sequence
        Per quasi-identifier, per level, the rows' label codes and the labels.
    tops : sequence of int
        The highest level searched of each quasi-identifier.
    heights : sequence of int
        The number of levels of each quasi-identifier's hierarchy (>= 2).
    k : int
        The smallest class size wanted, rows.
    allowed : int
        The most rows that may be suppressed.
    prefer : str
        One of :data:`PREFERENCES`.
    columns : sequence of str
        The quasi-identifiers' names, for the message of a lattice too large.

    Returns
    -------
    Node or None
        The first node in the order of ``prefer``.
    """
    nodes = math.prod(top + 1 for top in tops)
    if nodes > MAX_NODES:
        raise InvalidValueError(
            LATTICE_TOO_LARGE_MSG.format(columns=list(columns), nodes=nodes, limit=MAX_NODES)
        )
    rows = len(coded[0][0][0])
    best, best_rank = None, None
    for levels, key, span in _walk(coded, tops):
        node = measure(levels, key, span, k)
        if node.suppressed > allowed or node.suppressed == rows:
            continue
        height = sum(Fraction(level, h - 1) for level, h in zip(levels, heights, strict=True))
        loss = node.discernibility
        rank = (height, loss, levels) if prefer == PREFERENCES[0] else (loss, height, levels)
        if best_rank is None or rank < best_rank:
            best, best_rank = node, rank
    return best
