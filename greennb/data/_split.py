"""Train/test splits without leakage: stratified, grouped, chronological or random by task.

Classification is stratified by the target and every sensitive column together, so both
parts keep the group proportions; forecasts are split chronologically on distinct times;
regression is split at random. With ``groups`` (e.g. a subject id), every group falls entirely
on one side, so a subject tested twice cannot be learnt in train and recognised in test.
Both parts are checked again for usable sensitive groups.

Examples
--------
>>> from greennb.data import load_dataset
>>> split = split_dataset(load_dataset("monica"), test_size=0.25, random_state=0)
>>> len(split.X_train), len(split.X_test), split.method
(4775, 1592, 'stratified by outcome, sex, age_band')
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from greennb._validation import fraction, require_columns
from greennb.data._checks import check_rows, check_sensitive
from greennb.data._dataset import Dataset, require_dataset
from greennb.errors import GreennbWarning, InvalidTypeError, InvalidValueError

# Error-message templates, kept here so that tests can match them.
EMPTY_SPLIT_MSG = (
    "test_size={test_size!r} on {count} {unit} leaves the {part} split empty; choose a "
    "test_size that leaves at least one {unit_singular} on each side."
)
STRATA_MERGED_MSG = (
    "Strata with fewer than 2 rows were merged into one per target value before the "
    "stratified split: {strata}."
)
EMPTIED_DATASET_HOW = ": its frame was emptied after the dataset was built"
STRATA_FALLBACK_MSG = (
    "Cannot stratify the split of {name!r} by {columns}: {reason}. Falling back to {fallback}."
)
GROUPS_TYPE_MSG = "groups must be a column name (str) or None; got {value!r} of type {type}."
GROUPS_FORECAST_MSG = (
    "groups={column!r} cannot split the forecast dataset {name!r}: forecasts are split "
    "chronologically (every series of a time on the same side). Leave groups=None."
)
GROUPS_MISSING_MSG = (
    "Group column {column!r} of dataset {name!r} has {count} missing value(s); every row "
    "needs a group to keep the group on one side of the split."
)
GROUPS_TOO_FEW_MSG = (
    "test_size={test_size!r} asks for {n_splits} grouped folds, but {column!r} has "
    "{n_groups} distinct group(s); a grouped split needs at least 2 folds, each with a group "
    "(choose test_size <= 2/3 and at least {n_splits} groups)."
)
GROUPED_SHARE_MSG = (
    "The grouped split of {name!r} puts {share:.1%} of the rows in test for test_size="
    "{test_size!r}: whole groups of {column!r} form {n_splits} folds of about "
    "1/{n_splits} each."
)
GROUPED_SHARE_TOLERANCE = 0.03  # share of rows; a warning beyond it


@dataclass(frozen=True, eq=False, kw_only=True)
class Split:
    """Train and test parts of a :class:`Dataset`.

    Parameters
    ----------
    train, test : pandas.DataFrame
        All columns of the rows in each part (original row index kept).
    X_train, X_test : pandas.DataFrame
        Feature columns of each part.
    y_train, y_test : pandas.Series
        Target of each part.
    sensitive_train, sensitive_test : pandas.DataFrame
        Sensitive columns of each part.
    method : str
        How the rows were split, e.g. ``"stratified by outcome, sex, age_band"``,
        ``"grouped by subject_id, stratified by the target"`` or
        ``"chronological: test from 2013-03-12 00:00:00 on"``; worth recording with a run.
    """

    train: pd.DataFrame
    test: pd.DataFrame
    X_train: pd.DataFrame  # noqa: N815 - scikit-learn naming
    X_test: pd.DataFrame  # noqa: N815
    y_train: pd.Series
    y_test: pd.Series
    sensitive_train: pd.DataFrame
    sensitive_test: pd.DataFrame
    method: str


def _test_count(count: int, test_size: float, unit: str) -> int:
    """Return the number of test units (rows or times), rounded up as in scikit-learn."""
    n_test = math.ceil(test_size * count)
    for part, size in (("test", n_test), ("train", count - n_test)):
        if size < 1:
            raise InvalidValueError(
                EMPTY_SPLIT_MSG.format(
                    test_size=test_size,
                    count=count,
                    unit=unit,
                    unit_singular=unit.rstrip("s"),
                    part=part,
                )
            )
    return n_test


def _assemble(dataset: Dataset, test_mask: np.ndarray, method: str) -> Split:
    frame = dataset.frame
    train, test = frame.loc[~test_mask], frame.loc[test_mask]
    for part, rows in (("train", train), ("test", test)):
        where = f" in the {part} split of {dataset.name!r}"
        check_sensitive(rows, dataset.sensitive, where=where)
    return Split(
        train=train,
        test=test,
        X_train=train[dataset.features],
        X_test=test[dataset.features],
        y_train=train[dataset.target],
        y_test=test[dataset.target],
        sensitive_train=train[dataset.sensitive],
        sensitive_test=test[dataset.sensitive],
        method=method,
    )


def _chronological_mask(dataset: Dataset, test_size: float) -> tuple[np.ndarray, str]:
    times = dataset.frame[dataset.time_column]
    distinct = np.sort(times.unique())
    n_test = _test_count(len(distinct), test_size, unit="distinct times")
    cutoff = pd.Timestamp(distinct[len(distinct) - n_test])
    return (times >= cutoff).to_numpy(), f"chronological: test from {cutoff} on"


def _random_mask(
    dataset: Dataset, test_size: float, random_state: int, stratify: pd.Series | None = None
) -> np.ndarray:
    from sklearn.model_selection import train_test_split

    positions = np.arange(len(dataset.frame))
    _, test_positions = train_test_split(
        positions, test_size=test_size, random_state=random_state, stratify=stratify
    )
    mask = np.zeros(len(positions), dtype=bool)
    mask[test_positions] = True
    return mask


def _strata(frame: pd.DataFrame, columns: Sequence[str]) -> pd.Series:
    labels = frame[columns[0]].astype(str)
    for column in columns[1:]:
        labels = labels + " | " + frame[column].astype(str)
    return labels


def _merge_rare(labels: pd.Series, target: pd.Series) -> pd.Series:
    """Merge strata with fewer than 2 rows into one 'rare' stratum per target value."""
    counts = labels.value_counts()
    rare = sorted(counts.index[counts < 2])
    if not rare:
        return labels
    warnings.warn(STRATA_MERGED_MSG.format(strata=rare), GreennbWarning, stacklevel=4)
    merged = "rare | " + target.astype(str)
    return labels.where(~labels.isin(rare), merged)


def _stratification_problem(labels: pd.Series, n_test: int) -> str | None:
    counts = labels.value_counts()
    n_strata, n_train = len(counts), len(labels) - n_test
    if counts.min() < 2:
        return f"stratum {counts.idxmin()!r} has only {counts.min()} row"
    if n_test < n_strata or n_train < n_strata:
        return f"{n_strata} strata but only {n_test} test and {n_train} train rows"
    return None


def _stratified_mask(
    dataset: Dataset, test_size: float, random_state: int
) -> tuple[np.ndarray, str]:
    frame = dataset.frame
    n_test = _test_count(len(frame), test_size, unit="rows")
    candidates = [[dataset.target, *dataset.sensitive], [dataset.target]]
    for index, columns in enumerate(candidates):
        labels = _merge_rare(_strata(frame, columns), frame[dataset.target])
        problem = _stratification_problem(labels, n_test)
        if problem is None:
            mask = _random_mask(dataset, test_size, random_state, stratify=labels)
            return mask, "stratified by " + ", ".join(columns)
        fallback = "stratifying by the target only" if index == 0 else "an unstratified split"
        message = STRATA_FALLBACK_MSG.format(
            name=dataset.name, columns=columns, reason=problem, fallback=fallback
        )
        warnings.warn(message, GreennbWarning, stacklevel=3)
    return _random_mask(dataset, test_size, random_state), "random (unstratified)"


def _group_column(dataset: Dataset, groups: object) -> str:
    """Return the checked name of the group column (a column of the frame, no missing value)."""
    if not isinstance(groups, str):
        kind = type(groups).__name__
        raise InvalidTypeError(GROUPS_TYPE_MSG.format(value=groups, type=kind))
    if dataset.task == "forecast":
        raise InvalidValueError(GROUPS_FORECAST_MSG.format(column=groups, name=dataset.name))
    require_columns(dataset.frame, [groups], role="Group")
    missing = int(dataset.frame[groups].isna().sum())
    if missing:
        raise InvalidValueError(
            GROUPS_MISSING_MSG.format(column=groups, name=dataset.name, count=missing)
        )
    return groups


def _grouped_mask(
    dataset: Dataset, test_size: float, random_state: int, column: str
) -> tuple[np.ndarray, str]:
    """Test mask of the first of ``round(1 / test_size)`` folds of whole groups."""
    from sklearn.model_selection import GroupKFold, StratifiedGroupKFold

    frame = dataset.frame
    groups = frame[column].to_numpy()
    n_splits, n_groups = round(1 / test_size), len(pd.unique(groups))
    if n_splits < 2 or n_groups < n_splits:
        raise InvalidValueError(
            GROUPS_TOO_FEW_MSG.format(
                test_size=test_size, n_splits=n_splits, column=column, n_groups=n_groups
            )
        )
    if dataset.task == "classification":
        folds = StratifiedGroupKFold(n_splits, shuffle=True, random_state=random_state)
        method = f"grouped by {column}, stratified by the target"
    else:
        folds = GroupKFold(n_splits, shuffle=True, random_state=random_state)
        method = f"grouped by {column}"
    y = frame[dataset.target].to_numpy()
    _, test_positions = next(folds.split(np.zeros((len(frame), 1)), y, groups))
    mask = np.zeros(len(frame), dtype=bool)
    mask[test_positions] = True
    share = mask.mean()
    if abs(share - test_size) > GROUPED_SHARE_TOLERANCE:
        message = GROUPED_SHARE_MSG.format(
            name=dataset.name, share=share, test_size=test_size, column=column, n_splits=n_splits
        )
        warnings.warn(message, GreennbWarning, stacklevel=3)
    return mask, method


def split_dataset(
    dataset: Dataset,
    *,
    test_size: float = 0.25,
    random_state: int = 0,
    groups: str | None = None,
) -> Split:
    """Split a dataset into train and test parts without leakage.

    Classification is stratified by the target and every sensitive column together,
    so that both parts keep the group proportions; strata with one row are merged
    (with a warning), and when stratification is impossible the split falls back to
    the target alone, then to a random split, each time with a warning. Forecasts
    are split chronologically on distinct times: every test time is strictly after
    every train time (all stations of a day fall on the same side). Regression is
    split at random. With ``groups``, whole groups (e.g. all tests of one subject) fall
    on one side: classification by scikit-learn's ``StratifiedGroupKFold`` (stratified by
    the target), regression by ``GroupKFold``, both shuffled with ``random_state``, and the
    first of their ``round(1 / test_size)`` folds is the test part.

    Parameters
    ----------
    dataset : Dataset
        What to split.
    test_size : float, default=0.25
        Share of rows (of distinct times, for forecasts) in the test part, strictly
        between 0 and 1; rounded up to a whole number as in scikit-learn.
    random_state : int, default=0
        Seed of the random, stratified and grouped splits (unused by chronological splits).
    groups : str or None, default=None
        Column whose values (e.g. ``"subject_id"``) must never sit on both sides. The
        test share is then that of one fold, ``1 / round(1 / test_size)`` of the rows
        up to whole groups (0.25 gives 4 folds, 0.2 gives 5; 0.3 gives 3, about 0.33, with
        a warning); at most 2/3. ``None`` splits row by row, as above. Not for forecasts.

    Returns
    -------
    Split
        Train/test frames, features, targets and sensitive columns, and the method.

    Raises
    ------
    greennb.errors.InvalidTypeError
        If ``dataset`` is not a :class:`Dataset`, ``test_size`` is not a number or
        ``groups`` is neither a str nor None.
    greennb.errors.InvalidValueError
        If ``test_size`` is not strictly between 0 and 1, if the dataset's frame has no
        rows (emptied after it was built), if a part would be empty, if a sensitive
        column is constant in one part, or if ``groups`` is not a column, has missing
        values, has fewer groups than folds or is given for a forecast dataset.

    Warns
    -----
    greennb.errors.GreennbWarning
        When strata are merged, the split falls back to coarser stratification, or a
        grouped split's test share is more than 3 points from ``test_size``.
    """
    require_dataset(dataset, "split_dataset")
    fraction(test_size, name="test_size", low_open=True, high_open=True)
    check_rows(dataset.frame, what=f"Dataset {dataset.name!r}", how=EMPTIED_DATASET_HOW)
    if groups is not None:
        column = _group_column(dataset, groups)
        mask, method = _grouped_mask(dataset, test_size, random_state, column)
    elif dataset.task == "forecast":
        mask, method = _chronological_mask(dataset, test_size)
    elif dataset.task == "classification":
        mask, method = _stratified_mask(dataset, test_size, random_state)
    else:
        _test_count(len(dataset.frame), test_size, unit="rows")
        mask, method = _random_mask(dataset, test_size, random_state), "random"
    return _assemble(dataset, mask, method)
