"""Seasonal-naive forecast baseline: the value one season earlier, read from a lag column."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_array, check_is_fitted, column_or_1d, validate_data

from greennb._validation import is_integer
from greennb.errors import InvalidValueError

# Error-message templates, kept here so that tests can match them.
LAG_COLUMN_MISSING_MSG = (
    "lag_column {column!r} is not a column of X; columns: {available}. Name the column that "
    "holds the target one season earlier (e.g. 'ridership_lag14' or 'demand_lag336')."
)
LAG_INDEX_MSG = (
    "lag_column {column!r} must be a column name (for a DataFrame) or an integer position in "
    "range(-{n}, {n}); X has {n} columns."
)
LAG_NAN_MSG = (
    "lag_column {column!r} has {count} missing value(s), the first at row {row}: those rows "
    "have no value one season earlier. Drop them (with_lag_features(..., dropna=True) does) "
    "before fitting or predicting."
)
EMPTY_X_MSG = "X has 0 rows (0 samples); a forecast needs at least one row."
Y_LENGTH_MSG = "y has {n_y} values but X has {n_x} rows."


class SeasonalNaiveForecaster(RegressorMixin, BaseEstimator):
    """Seasonal-naive forecast: predict the value one season earlier, read from a lag column.

    ``ŷ(t) = y(t − m)`` where ``m`` is the season (14 days for Chicago's ``ridership_lag14``,
    one week = 336 half-hours for ``demand_lag336``). Nothing is learned: ``fit`` only checks
    the input and records its shape. It takes the same feature table as the other models, so
    the comparison is fair in information: the baseline uses one column of what they see.

    Parameters
    ----------
    lag_column : str or int
        The column of X holding the target one season earlier: a name for a DataFrame, or an
        integer position.

    Attributes
    ----------
    n_features_in_ : int
        Number of columns of X seen in ``fit``.
    feature_names_in_ : ndarray of str
        Column names, when X was a DataFrame with string column names.

    Examples
    --------
    >>> X = pd.DataFrame({"demand_lag336": [4.1, 3.9], "temperature": [21.0, 25.0]})
    >>> SeasonalNaiveForecaster(lag_column="demand_lag336").fit(X).predict(X)
    array([4.1, 3.9])
    """

    def __init__(self, lag_column: str | int | None = None):
        self.lag_column = lag_column

    def fit(self, X, y=None):
        """Check X (and y), record the number of features; nothing is learned.

        Parameters
        ----------
        X : pandas.DataFrame or array-like of shape (n_samples, n_features)
            Features, including ``lag_column``.
        y : array-like of shape (n_samples,), optional
            Target; checked for length and finite values only.

        Returns
        -------
        SeasonalNaiveForecaster
            self.
        """
        values = self._lag_values(X, reset=True)
        if y is not None:
            y = column_or_1d(check_array(y, ensure_2d=False, dtype="numeric"), warn=True)
            if len(y) != len(values):
                raise InvalidValueError(Y_LENGTH_MSG.format(n_y=len(y), n_x=len(values)))
        return self

    def predict(self, X):
        """Predict the value one season earlier.

        Parameters
        ----------
        X : pandas.DataFrame or array-like of shape (n_samples, n_features)
            Features with the same columns as in ``fit``.

        Returns
        -------
        ndarray of shape (n_samples,)
            The lag column, as floats, in the target's unit.
        """
        check_is_fitted(self, "n_features_in_")
        return self._lag_values(X, reset=False)

    def _lag_values(self, X, *, reset: bool) -> np.ndarray:
        if isinstance(X, pd.DataFrame):
            # Feature tables mix categories and numbers: check only the shape and the column
            # names here (scikit-learn's validate_data), and the lag column itself below.
            validate_data(self, X, reset=reset, skip_check_array=True)
            if len(X) == 0:
                raise InvalidValueError(EMPTY_X_MSG)
            column = self._select_name(X) if isinstance(self.lag_column, str) else None
            if column is None:
                column = self._select_position(X.to_numpy(), X.shape[1])
        else:
            array = validate_data(self, X, reset=reset, ensure_all_finite=False)
            column = self._select_position(array, array.shape[1])
        values = np.asarray(column, dtype=float)
        missing = ~np.isfinite(values)
        if missing.any():
            raise InvalidValueError(
                LAG_NAN_MSG.format(
                    column=self.lag_column, count=int(missing.sum()), row=int(np.argmax(missing))
                )
            )
        return values

    def _select_name(self, X: pd.DataFrame) -> pd.Series:
        if self.lag_column not in X.columns:
            available = ", ".join(map(str, X.columns))
            raise InvalidValueError(
                LAG_COLUMN_MISSING_MSG.format(column=self.lag_column, available=available)
            )
        return X[self.lag_column]

    def _select_position(self, array: np.ndarray, n: int) -> np.ndarray:
        column = self.lag_column
        if not is_integer(column) or not -n <= column < n:
            raise InvalidValueError(LAG_INDEX_MSG.format(column=column, n=n))
        return array[:, int(column)]
