"""Whether two accuracies on the same test rows differ by more than one row (``1/n``).

Accuracy on ``n`` rows moves in steps of ``1/n``: on 476 test rows one changed prediction
moves it by 0.0021. A difference of one step or less is no difference the test set can show;
:func:`accuracy_difference` says so, and in how many rows the difference lies. Beyond the
resolution a difference can still be sampling noise: with the paired predictions, McNemar's
test is the comparison (Dietterich 1998, "Approximate statistical tests for comparing
supervised classification learning algorithms", Neural Computation 10:1895-1923).
"""

from __future__ import annotations

from dataclasses import dataclass

from greennb._validation import fraction, integer

#: Relative slack when comparing a difference with the 1/n step (floating point).
STEP_TOLERANCE = 1e-9


@dataclass(frozen=True)
class AccuracyDifference:
    """Two accuracies on the same ``n_rows`` test rows, and whether they differ measurably.

    Attributes
    ----------
    accuracy_a, accuracy_b : float
        The accuracies (fractions).
    n_rows : int
        Test rows both were measured on.
    difference : float
        ``accuracy_a − accuracy_b`` (fraction).
    step : float
        ``1 / n_rows``, the resolution (fraction).
    rows : int
        The difference in rows, ``round(difference · n_rows)``.
    beyond_resolution : bool
        Whether ``|difference|`` exceeds one step.
    names : tuple of str
        Names of the two models, for the sentence.
    """

    accuracy_a: float
    accuracy_b: float
    n_rows: int
    difference: float
    step: float
    rows: int
    beyond_resolution: bool
    names: tuple[str, str]

    def __str__(self) -> str:
        a, b = self.names
        head = (
            f"accuracy {a} {self.accuracy_a:.4f} vs {b} {self.accuracy_b:.4f} on "
            f"{self.n_rows} rows: difference {self.difference:+.4f} ({self.rows:+d} rows; "
            f"resolution ±{self.step:.4f} = 1 row)"
        )
        if not self.beyond_resolution:
            return head + ": no difference this test set can resolve"
        better = a if self.difference > 0 else b
        return head + f": {better} is ahead by more than the resolution"


def accuracy_difference(
    accuracy_a: float,
    accuracy_b: float,
    *,
    n_rows: int,
    names: tuple[str, str] = ("A", "B"),
) -> AccuracyDifference:
    """Compare two accuracies measured on the same ``n_rows`` rows against the ``1/n`` step.

    Parameters
    ----------
    accuracy_a, accuracy_b : float
        Accuracies in [0, 1] of two models on the same test rows.
    n_rows : int
        Number of test rows (>= 1).
    names : (str, str), default ("A", "B")
        The models' names, for the sentence ``str(result)``.

    Returns
    -------
    AccuracyDifference
        The difference, the step ``1/n``, the difference in rows and the verdict.

    Raises
    ------
    InvalidValueError
        For an accuracy outside [0, 1] or ``n_rows < 1``.

    Examples
    --------
    >>> result = accuracy_difference(0.8025, 0.8000, n_rows=400, names=("mlp", "logistic"))
    >>> result.rows, result.beyond_resolution
    (1, False)
    >>> accuracy_difference(0.81, 0.80, n_rows=400).beyond_resolution
    True
    """
    a = fraction(accuracy_a, name="accuracy_a")
    b = fraction(accuracy_b, name="accuracy_b")
    n = integer(n_rows, name="n_rows", minimum=1, unit="rows")
    difference = a - b
    step = 1.0 / n
    return AccuracyDifference(
        accuracy_a=a,
        accuracy_b=b,
        n_rows=n,
        difference=difference,
        step=step,
        rows=round(difference * n),
        beyond_resolution=abs(difference) > step * (1.0 + STEP_TOLERANCE),
        names=(str(names[0]), str(names[1])),
    )
