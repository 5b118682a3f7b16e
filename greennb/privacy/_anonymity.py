"""k-anonymity and l-diversity of a table over named quasi-identifiers.

An *equivalence class* is a set of rows that agree on every quasi-identifier (the columns an
attacker can link to outside data: age, gender, a date, a place). A table is k-anonymous when
every class holds at least k rows (Sweeney 2002). Under the *prosecutor* model (the attacker
knows their target is in the table), the re-identification risk of a row is 1 / (size of its
class): the largest risk is ``1 / k``, the mean over rows is ``n_classes / rows``. This is the
``P = C / σ`` model of the course made measurable for a released table: protection grows with
k. Distinct l-diversity (Machanavajjhala et al. 2007) adds the smallest number of distinct
values of a sensitive attribute in any class: with l = 1, some class reveals its value to
anyone who can place a person in it.

Missing values of a quasi-identifier form a category of their own (two rows whose age is
missing agree on age), as they would for an attacker who sees the blank in the release.

Written in-house, not taken from a library. Checked with ``pip install --dry-run --report``
against this project's environment (numpy 2.4, pandas 3.1, scipy 1.17, scikit-learn 1.9):

* pycanon 1.3.6 pins exact versions of all its dependencies (``numpy==2.0.2``,
  ``pandas==2.3.3``, ``scipy==1.15.3``, ``beartype==0.22.2``, ``reportlab==4.4.10``, ...):
  installing it would downgrade numpy, pandas and scipy under every other part of greennb.
* anonymeter 1.1.0 requires ``numpy<1.27,>=1.22`` (and numba, polars, pyarrow<22); it also
  measures the singling-out, linkability and inference risks of *synthetic* data, not the
  k-anonymity of a generalized release.

The measures here are a few vectorized lines over integer codes (one ``pandas.factorize`` per
column), fast enough for the lattice search of :mod:`greennb.privacy._generalize`.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"age": [30, 30, 40, 40, 40], "sex": ["f", "f", "m", "m", "m"],
...                       "result": ["pos", "neg", "neg", "neg", "pos"]})
>>> report = k_anonymity(frame, ["age", "sex"], target_k=3)
>>> report.k, report.n_classes, report.risk_max, report.classes_below
(2, 2, 0.5, {2: 1})
>>> l_diversity(frame, ["age", "sex"], "result")
2
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from greennb._json import to_json_value
from greennb._validation import integer, require_columns
from greennb.errors import InvalidTypeError, InvalidValueError

NOT_A_FRAME_MSG = "{name} must be a pandas DataFrame; got {type}."
QUASI_IDENTIFIERS_TYPE_MSG = (
    "quasi_identifiers must be a list of column names; got {value!r} of type {type}. "
    "Write [{value!r}] for a single column."
)
NO_QUASI_IDENTIFIERS_MSG = (
    "quasi_identifiers is empty: name at least one column an attacker could link to outside "
    "data. Available columns: {available}."
)
DUPLICATE_COLUMN_MSG = "{role} column {column!r} is named more than once in {names}."
NO_ROWS_MSG = "The frame has no rows: k-anonymity of an empty table is undefined."
SENSITIVE_IS_QUASI_IDENTIFIER_MSG = (
    "sensitive column {column!r} is also a quasi-identifier ({names}); l-diversity counts the "
    "sensitive values inside classes formed by the other columns."
)

_MAX_KEY = 2**62  # mixed-radix class keys stay below this, so int64 never overflows


@dataclass(frozen=True)
class AnonymityReport:
    """How identifiable the rows of a table are through its quasi-identifiers.

    Attributes
    ----------
    k : int
        The size of the smallest equivalence class (rows): the table is k-anonymous.
    n_classes : int
        The number of equivalence classes (distinct combinations of quasi-identifiers).
    rows : int
        The number of rows measured.
    risk_max : float
        The largest per-row re-identification risk, ``1 / k`` (prosecutor model), in [0, 1].
    risk_mean : float
        The mean over rows of ``1 / size of the row's class``, which is ``n_classes / rows``.
    classes_below : dict of int to int
        For each class size below the target k asked for: how many classes have that size
        (empty when no target was given or every class reaches it).
    quasi_identifiers : tuple of str
        The columns the classes are formed on.
    """

    k: int
    n_classes: int
    rows: int
    risk_max: float
    risk_mean: float
    classes_below: dict[int, int] = field(default_factory=dict)
    quasi_identifiers: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return the report as plain JSON types (class sizes as string keys)."""
        return to_json_value(
            {
                "k": self.k,
                "n_classes": self.n_classes,
                "rows": self.rows,
                "risk_max": self.risk_max,
                "risk_mean": self.risk_mean,
                "classes_below": self.classes_below,
                "quasi_identifiers": list(self.quasi_identifiers),
            }
        )


def check_frame(frame: Any, *, name: str = "frame") -> pd.DataFrame:
    """Return ``frame`` if it is a DataFrame with at least one row, else raise naming it."""
    if not isinstance(frame, pd.DataFrame):
        raise InvalidTypeError(NOT_A_FRAME_MSG.format(name=name, type=type(frame).__name__))
    if len(frame) == 0:
        raise InvalidValueError(NO_ROWS_MSG)
    return frame


def check_columns(frame: pd.DataFrame, columns: Any, *, role: str) -> tuple[str, ...]:
    """Return ``columns`` as a tuple after checking it is a non-empty list of distinct columns.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table the columns must be in.
    columns : sequence of str
        The column names (a bare string is refused: it is a sequence of characters).
    role : str
        What the columns are, shown in the messages (``"quasi-identifier"``).

    Returns
    -------
    tuple of str
        The names, in the order given.
    """
    if isinstance(columns, (str, bytes)) or not isinstance(columns, Sequence):
        kind = type(columns).__name__
        raise InvalidTypeError(QUASI_IDENTIFIERS_TYPE_MSG.format(value=columns, type=kind))
    names = tuple(columns)
    if not names:
        available = ", ".join(map(str, frame.columns))
        raise InvalidValueError(NO_QUASI_IDENTIFIERS_MSG.format(available=available))
    require_columns(frame, names, role=role)
    for column in names:
        if names.count(column) > 1:
            raise InvalidValueError(
                DUPLICATE_COLUMN_MSG.format(role=role, column=column, names=list(names))
            )
    return names


def column_codes(series: pd.Series) -> tuple[np.ndarray, int]:
    """Return integer codes of a column's values (missing values one code of their own)."""
    codes, uniques = pd.factorize(series, use_na_sentinel=False)
    return codes.astype(np.int64, copy=False), max(len(uniques), 1)


def combine_codes(codes: Sequence[np.ndarray], cardinalities: Sequence[int]) -> np.ndarray:
    """Return one int64 key per row that is equal exactly when all the codes are equal.

    Parameters
    ----------
    codes : sequence of numpy.ndarray of int
        One array of codes per column, each in ``[0, cardinality)``.
    cardinalities : sequence of int
        The number of distinct codes of each column.

    Returns
    -------
    numpy.ndarray of int64
        The mixed-radix key (re-factorized when the radix product would overflow int64).
    """
    key = np.zeros(len(codes[0]), dtype=np.int64)
    span = 1
    for column_code, cardinality in zip(codes, cardinalities, strict=True):
        if span * cardinality >= _MAX_KEY:
            key, uniques = pd.factorize(key)
            span = len(uniques)
        key = key * cardinality + column_code
        span *= cardinality
    return key


def class_ids(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return each row's class number and the size of every class (rows), from the keys."""
    ids, _ = pd.factorize(key)
    return ids, np.bincount(ids)


def frame_class_ids(frame: pd.DataFrame, columns: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Return each row's equivalence-class number over ``columns`` and every class's size."""
    coded = [column_codes(frame[column]) for column in columns]
    key = combine_codes([c for c, _ in coded], [n for _, n in coded])
    return class_ids(key)


def report_from_sizes(
    sizes: np.ndarray, columns: Sequence[str], target_k: int | None = None
) -> AnonymityReport:
    """Build the report from the sizes of the equivalence classes (see :func:`k_anonymity`)."""
    rows = int(sizes.sum())
    k = int(sizes.min())
    below: dict[int, int] = {}
    if target_k is not None:
        small, counts = np.unique(sizes[sizes < target_k], return_counts=True)
        below = {int(s): int(c) for s, c in zip(small, counts, strict=True)}
    return AnonymityReport(
        k=k,
        n_classes=len(sizes),
        rows=rows,
        risk_max=1.0 / k,
        risk_mean=len(sizes) / rows,
        classes_below=below,
        quasi_identifiers=tuple(columns),
    )


def k_anonymity(
    frame: pd.DataFrame, quasi_identifiers: Sequence[str], *, target_k: int | None = None
) -> AnonymityReport:
    """Measure k-anonymity and the prosecutor re-identification risk of a table.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table as it would be released (at least one row).
    quasi_identifiers : sequence of str
        The columns an attacker could link to outside data (at least one). Missing values
        form a category of their own.
    target_k : int, optional
        A k to compare with (>= 1): the report counts the classes smaller than it.

    Returns
    -------
    AnonymityReport
        k (rows in the smallest class), the number of classes, risk ``1 / k`` (max) and
        ``n_classes / rows`` (mean), the classes below ``target_k`` by size.

    Raises
    ------
    InvalidValueError
        An empty list of quasi-identifiers, a column the frame lacks (the message lists the
        columns), a column named twice, or a frame without rows.
    InvalidTypeError
        ``frame`` is not a DataFrame, or ``quasi_identifiers`` is a bare string.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"age": [30, 31, 40], "sex": ["f", "f", "m"]})
    >>> k_anonymity(frame, ["age", "sex"]).k
    1
    >>> k_anonymity(frame, ["sex"]).risk_mean  # 2 classes over 3 rows
    0.6666666666666666
    """
    frame = check_frame(frame)
    columns = check_columns(frame, quasi_identifiers, role="quasi-identifier")
    if target_k is not None:
        target_k = integer(target_k, name="target_k", minimum=1, unit="rows")
    _, sizes = frame_class_ids(frame, columns)
    return report_from_sizes(sizes, columns, target_k)


def l_diversity(frame: pd.DataFrame, quasi_identifiers: Sequence[str], sensitive: str) -> int:
    """Return the distinct l-diversity: the fewest distinct sensitive values in any class.

    Only *distinct* l-diversity is implemented; entropy l-diversity and recursive
    (c, l)-diversity (Machanavajjhala et al. 2007), which also weigh how evenly the values
    are spread within a class, are not. A missing sensitive value counts as one value.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table as it would be released (at least one row).
    quasi_identifiers : sequence of str
        The columns that form the equivalence classes (see :func:`k_anonymity`).
    sensitive : str
        The attribute that must not be inferred from membership in a class (not one of the
        quasi-identifiers).

    Returns
    -------
    int
        l >= 1: every class holds at least l distinct values of ``sensitive``.

    Raises
    ------
    InvalidValueError
        As :func:`k_anonymity`, and for a sensitive column that is missing or is also a
        quasi-identifier.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"sex": ["f", "f", "m", "m"], "result": ["pos", "neg", "neg", "neg"]})
    >>> l_diversity(frame, ["sex"], "result")  # every man tested negative
    1
    """
    frame = check_frame(frame)
    columns = check_columns(frame, quasi_identifiers, role="quasi-identifier")
    require_columns(frame, [sensitive], role="sensitive")
    if sensitive in columns:
        raise InvalidValueError(
            SENSITIVE_IS_QUASI_IDENTIFIER_MSG.format(column=sensitive, names=list(columns))
        )
    ids, sizes = frame_class_ids(frame, columns)
    values, n_values = column_codes(frame[sensitive])
    pairs = np.unique(combine_codes([ids, values], [len(sizes), n_values]))
    return int(np.bincount(pairs // n_values).min())
