"""A privacy-budget ledger: every differentially private release spends ε from one budget.

Under *sequential composition* the privacy losses of releases computed from the same people
add up: k releases at ε₁ … ε_k are together ``Σ εᵢ``-differentially private. A
:class:`PrivacyBudget` holds the total ε an analyst may spend on one data set, records each
spend with what it was for, and refuses (with :class:`BudgetExceededError`) a spend that would
pass the total — before any noise is drawn, so a refused release releases nothing.

This is the plain sum (basic composition); tighter accountants (advanced composition, Rényi
DP) exist for many small releases, but the sum is exact for the Laplace and geometric
mechanisms used here and is what the lesson teaches. The ledger is small enough that it is
written here rather than taken from a library: OpenDP's compositors (``make_composition``,
``make_adaptive_composition``) compose measurements built in advance over one input, whereas a
notebook spends its budget one release at a time on different queries.

Examples
--------
>>> budget = PrivacyBudget(1.0)
>>> budget.spend(0.5, "counts by clinic")
>>> budget.spend(0.25, "counts by week")
>>> budget
PrivacyBudget(ε=1, spent 0.75 on 2 releases)
>>> budget.spend(0.5, "rate by clinic")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
greennb.privacy._budget.BudgetExceededError: Privacy budget ε=1 exceeded: 0.75 already spent ...
>>> budget.remaining
0.25
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from greennb._validation import positive
from greennb.errors import InvalidTypeError, InvalidValueError

#: Relative tolerance (fraction of the budget) of the comparison of spent ε with the budget:
#: floating-point sums of decimal ε (0.1 + 0.2 is 0.30000000000000004) and OpenDP's
#: conservative rounding of ε (up by one unit in the last place) must not refuse a spend that
#: exactly fills the budget. 1e-9 of ε is no privacy loss worth counting.
TOLERANCE = 1e-9

EXCEEDED_MSG = (
    "Privacy budget ε={budget:g} exceeded: {spent:g} already spent on {releases}; "
    "{what!r} asks for ε={epsilon:g}, but only {remaining:g} remains."
)
WHAT_MSG = "what must be a non-empty str naming the release; got {value!r}."


class BudgetExceededError(InvalidValueError):
    """A release asked for more ε than remains in its :class:`PrivacyBudget`."""


@dataclass(frozen=True)
class _Spend:
    what: str
    epsilon: float


def check_what(what: str) -> str:
    """Return ``what`` (a release's description) if it is a non-empty str, else raise."""
    if not isinstance(what, str):
        raise InvalidTypeError(WHAT_MSG.format(value=what))
    if not what.strip():
        raise InvalidValueError(WHAT_MSG.format(value=what))
    return what


def _releases(count: int) -> str:
    return f"{count} release" if count == 1 else f"{count} releases"


class PrivacyBudget:
    """The total ε that releases from one data set may spend, and the ledger of what they did.

    Parameters
    ----------
    epsilon : float
        The total privacy budget ε (> 0, finite; unitless, a log-probability ratio).

    Attributes
    ----------
    epsilon : float
        The total budget.

    Notes
    -----
    Spends add (sequential composition). A spend that would pass the budget raises
    :class:`BudgetExceededError` and leaves the ledger unchanged; the comparison is inclusive,
    with a relative :data:`TOLERANCE` of 1e-9 for floating-point rounding.
    """

    def __init__(self, epsilon: float) -> None:
        self.epsilon = positive(epsilon, name="epsilon", unit="privacy budget")
        self._spends: list[_Spend] = []

    @property
    def spent(self) -> float:
        """The ε spent so far (float; the exactly rounded sum of the spends)."""
        return math.fsum(spend.epsilon for spend in self._spends)

    @property
    def remaining(self) -> float:
        """The ε left to spend (float, never below 0)."""
        return max(self.epsilon - self.spent, 0.0)

    @property
    def ledger(self):
        """The spends in order: a pandas DataFrame with columns what, epsilon, cumulative."""
        import pandas as pd

        frame = pd.DataFrame(
            {
                "what": [spend.what for spend in self._spends],
                "epsilon": [spend.epsilon for spend in self._spends],
            }
        )
        frame["epsilon"] = frame["epsilon"].astype(float)
        frame["cumulative"] = frame["epsilon"].cumsum()
        return frame

    def check(self, epsilon: float, what: str) -> float:
        """Raise :class:`BudgetExceededError` unless ``epsilon`` fits; spend nothing.

        Parameters
        ----------
        epsilon : float
            The ε a release asks for (> 0, finite).
        what : str
            What the release is (named in the error).

        Returns
        -------
        float
            ``epsilon``, checked, as a float.
        """
        epsilon = positive(epsilon, name="epsilon", unit="privacy loss")
        what = check_what(what)
        spent = self.spent
        if math.fsum([spent, epsilon]) > self.epsilon * (1 + TOLERANCE):
            raise BudgetExceededError(
                EXCEEDED_MSG.format(
                    budget=self.epsilon,
                    spent=spent,
                    releases=_releases(len(self._spends)),
                    what=what,
                    epsilon=epsilon,
                    remaining=self.remaining,
                )
            )
        return epsilon

    def spend(self, epsilon: float, what: str) -> None:
        """Record a spend of ``epsilon`` on ``what``, or refuse it and record nothing.

        Parameters
        ----------
        epsilon : float
            The privacy loss of the release (> 0, finite).
        what : str
            A short, non-empty description of the release (shown in the ledger).

        Raises
        ------
        BudgetExceededError
            When the spend would pass the budget; the message names the budget, what was spent
            already, the request and ``what``.
        """
        epsilon = self.check(epsilon, what)
        self._spends.append(_Spend(what=what, epsilon=epsilon))

    def __repr__(self) -> str:
        releases = _releases(len(self._spends))
        return f"PrivacyBudget(ε={self.epsilon:g}, spent {self.spent:g} on {releases})"
