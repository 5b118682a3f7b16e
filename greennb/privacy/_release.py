"""Differentially private counts, histograms and rates, with OpenDP's Laplace mechanisms.

A count changes by at most Δf (its *sensitivity*) when one person is added to or removed from
the data. Adding noise of scale ``b = Δf / ε`` from the Laplace distribution (continuous, or
its discrete twin, the geometric mechanism, for integer counts) makes the release
ε-differentially private: no output becomes more than ``e^ε`` times likelier because one person
took part. The lesson's model ``P = C / σ`` reads here as ``b / Δf = 1 / ε`` (see
:func:`noise_scale`).

Every release given a :class:`~greennb.privacy._budget.PrivacyBudget` spends on it *before* any
noise is drawn, so a refused spend releases nothing. The ε recorded is OpenDP's own privacy map
of the measurement for the stated sensitivity (it rounds up, conservatively, by at most a unit
in the last place).

Why OpenDP: the issue suggested diffprivlib, but diffprivlib 0.6.6 cannot be imported with our
scikit-learn 1.9 (it reads ``sklearn.tree._tree.DOUBLE`` and passes
``LogisticRegression(multi_class=)``, both removed). OpenDP (0.16, Harvard's OpenDP project) is
well kept and its samplers come with proofs. OpenDP draws its noise from the operating system's
cryptographically secure random number generator and *cannot be seeded*, by design (a seeded
generator's noise could be replayed and subtracted): two runs of a release give different
numbers, and tests of the noise are statistical.

Examples
--------
>>> import pandas as pd
>>> clinics = pd.Series(["north", "south", "north", "east"])
>>> release = dp_counts(clinics, epsilon=1.0, categories=["east", "north", "south", "west"])
>>> list(release.values.index)
['east', 'north', 'south', 'west']
>>> release.scale, release.mechanism
(1.0, 'geometric')
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from greennb._json import to_json_value
from greennb._validation import integer, one_of, positive
from greennb.errors import InvalidTypeError, InvalidValueError, MissingDependencyError
from greennb.privacy._budget import PrivacyBudget, check_what

if TYPE_CHECKING:
    import pandas as pd

#: The noise mechanisms: ``geometric`` (discrete Laplace, integer output) and ``laplace``
#: (continuous Laplace, float output; OpenDP samples it on a fine 2^k grid).
MECHANISMS = ("geometric", "laplace")

SERIES_MSG = "{name} must be a pandas Series; got {value!r} of type {type}."
EMPTY_MSG = "{name} is empty: a release needs at least one row."
MISSING_MSG = (
    "{name} has {count} missing value(s); give them a category of their own (e.g. 'unknown') "
    "before the release."
)
NOT_BOOL_MSG = "numerator must be a Series of bool (True where a row counts); got dtype {dtype}."
ALIGN_MSG = "numerator and by must have the same index (same rows, same order)."
CATEGORIES_MSG = "categories must be a non-empty list of distinct values; got {value!r}."
UNLISTED_MSG = "{name} has values not in categories: {values}; categories are {categories}."
BUDGET_MSG = "budget must be a PrivacyBudget or None; got {value!r} of type {type}."
RELEASE_MSG = "release must be a Release (from dp_counts); got {value!r} of type {type}."
TRUTH_MSG = "truth has categories that were not released: {values}; released are {categories}."
OPENDP_MSG = "Differentially private releases need OpenDP: pip install 'opendp>=0.16'."


def noise_scale(epsilon: float, sensitivity: float) -> float:
    """Return the Laplace noise scale ``b = Δf / ε`` that makes a query ε-DP.

    The lesson's privacy model ``P = C / σ`` (protection from leakage and sensitivity) is made
    measurable here as ``b / Δf = 1 / ε``: protection is the noise scale ``b`` over the most
    that one person can change the answer, ``Δf``. Doubling the noise, or halving what one person
    can change, halves ε (stronger privacy).

    Parameters
    ----------
    epsilon : float
        The privacy loss ε (> 0, finite; unitless).
    sensitivity : float
        Δf, the most the query's answer can change when one person is added or removed (> 0,
        in the query's unit; 1 for a count when each person contributes one row).

    Returns
    -------
    float
        The scale ``b`` (the query's unit). The mean absolute noise is ``b`` (continuous
        Laplace) and its standard deviation ``√2 · b``.

    Notes
    -----
    Limits of the reading: ε bounds how much *one person's* presence can shift the odds of
    any output, for a person who contributes at most Δf; it says nothing about what the data
    reveal about groups. Δf must be a bound fixed in advance (one computed from the private
    data is itself a leak). ε adds up over releases (see ``PrivacyBudget``). The absolute
    noise ``b`` does not shrink with the count, so small groups get larger relative errors.

    Examples
    --------
    >>> noise_scale(0.5, 1)
    2.0
    >>> noise_scale(0.1, 3)
    30.0
    """
    epsilon = positive(epsilon, name="epsilon", unit="privacy loss")
    return positive(sensitivity, name="sensitivity") / epsilon


def expected_abs_noise(scale: float, mechanism: str = "geometric") -> float:
    """Return the mean absolute noise E|X| of a mechanism of scale ``b``.

    Parameters
    ----------
    scale : float
        The noise scale ``b`` (> 0).
    mechanism : {"geometric", "laplace"}
        ``laplace``: E|X| = b exactly (continuous Laplace). ``geometric``: the discrete
        Laplace, P(X = x) ∝ α^|x| with α = exp(−1/b), has E|X| = 2α / (1 − α²) =
        1 / sinh(1/b), slightly below b (0.8509 for b = 1, within 0.02 % of b for b ≥ 10).

    Returns
    -------
    float
        E|X|, in the unit of the count.

    Examples
    --------
    >>> round(expected_abs_noise(1.0), 4), expected_abs_noise(1.0, "laplace")
    (0.8509, 1.0)
    """
    scale = positive(scale, name="scale")
    if one_of(mechanism, MECHANISMS, name="mechanism") == "laplace":
        return scale
    return 1.0 / math.sinh(1.0 / scale)


@dataclass(frozen=True)
class Release:
    """One differentially private release: the noisy values and how they were made.

    Attributes
    ----------
    values : pandas.Series
        The noisy results, indexed by category (every category asked for, empty ones too).
    epsilon : float
        The privacy loss ε of the release (OpenDP's privacy map for ``sensitivity``).
    sensitivity : int
        Δf: the most rows one person contributes.
    scale : float
        The noise scale ``b = sensitivity / epsilon`` (counts).
    mechanism : str
        ``"geometric"`` or ``"laplace"``.
    what : str
        What was released (as in the budget's ledger).
    """

    values: Any
    epsilon: float
    sensitivity: int
    scale: float
    mechanism: str
    what: str

    @property
    def expected_abs_error(self) -> float:
        """The mechanism's mean absolute noise (counts; see :func:`expected_abs_noise`)."""
        return expected_abs_noise(self.scale, self.mechanism)

    def to_dict(self) -> dict[str, Any]:
        """Return the release as plain JSON values (values keyed by the category as a str)."""
        values = {str(key): value for key, value in self.values.items()}
        return to_json_value(
            {
                "what": self.what,
                "mechanism": self.mechanism,
                "epsilon": self.epsilon,
                "sensitivity": self.sensitivity,
                "scale": self.scale,
                "expected_abs_error": self.expected_abs_error,
                "values": values,
            }
        )


@functools.cache
def _opendp() -> Any:
    """Import OpenDP once and enable its ``contrib`` features (the mechanisms live there)."""
    try:
        import opendp.prelude as dp
    except ImportError as error:  # pragma: no cover - a declared dependency
        raise MissingDependencyError(OPENDP_MSG) from error
    dp.enable_features("contrib")
    return dp


def _check_series(series: Any, name: str) -> Any:
    import pandas as pd

    if not isinstance(series, pd.Series):
        kind = type(series).__name__
        raise InvalidTypeError(SERIES_MSG.format(name=name, value=series, type=kind))
    if series.empty:
        raise InvalidValueError(EMPTY_MSG.format(name=name))
    missing = int(series.isna().sum())
    if missing:
        raise InvalidValueError(MISSING_MSG.format(name=name, count=missing))
    return series


def _categories(series: Any, categories: Any, name: str) -> list[Any]:
    """Return the categories to release: given, else the Categorical's, else those observed."""
    import pandas as pd

    if categories is None:
        if isinstance(series.dtype, pd.CategoricalDtype):
            return list(series.cat.categories)
        observed = list(pd.unique(series))
        try:
            return sorted(observed)
        except TypeError:  # mixed types: keep the order of first appearance
            return observed
    if isinstance(categories, (str, bytes)) or not hasattr(categories, "__iter__"):
        raise InvalidTypeError(CATEGORIES_MSG.format(value=categories))
    listed = list(categories)
    if not listed or len(set(listed)) != len(listed):
        raise InvalidValueError(CATEGORIES_MSG.format(value=categories))
    known = set(listed)
    unlisted = [value for value in pd.unique(series) if value not in known]
    if unlisted:
        shown = ", ".join(map(repr, unlisted[:5])) + (" ..." if len(unlisted) > 5 else "")
        raise InvalidValueError(
            UNLISTED_MSG.format(name=name, values=shown, categories=", ".join(map(repr, listed)))
        )
    return listed


def _check_budget(budget: Any) -> PrivacyBudget | None:
    if budget is not None and not isinstance(budget, PrivacyBudget):
        raise InvalidTypeError(BUDGET_MSG.format(value=budget, type=type(budget).__name__))
    return budget


def dp_counts(
    series: Any,
    *,
    epsilon: float,
    sensitivity: int = 1,
    categories: Any = None,
    mechanism: str = "geometric",
    budget: PrivacyBudget | None = None,
    what: str = "counts",
    clip_negative: bool = False,
) -> Release:
    """Release the histogram of a categorical series with ε-differential privacy.

    Parameters
    ----------
    series : pandas.Series
        One row per record (e.g. one test), holding its category (e.g. its clinic). No NaN.
    epsilon : float
        The privacy loss ε of the release (> 0, finite).
    sensitivity : int, default 1
        Δf: the most rows one *person* contributes (an integer ≥ 1). Adding or removing one
        person changes the histogram by at most this much in l1 distance. With subjects tested
        several times, protecting people (not single tests) needs the largest number of tests
        per subject, not 1; that bound should be fixed in advance (or the data truncated to
        it), since a maximum read from the data is itself data-dependent.
    categories : list, optional
        Every category to release, empty ones included: a category missing from the output
        would reveal that nobody had it. Default: the series' Categorical categories, else
        the sorted values observed (which reveals which values occur; give a public list for a
        strict release). A value not listed raises InvalidValueError.
    mechanism : {"geometric", "laplace"}, default "geometric"
        ``geometric``: discrete Laplace noise, integer counts; ``laplace``: continuous Laplace,
        float counts. Both of scale ``b = sensitivity / epsilon``.
    budget : PrivacyBudget, optional
        Spent before any noise is drawn; a refused spend releases nothing.
    what : str, default "counts"
        What is released, as recorded in the budget's ledger.
    clip_negative : bool, default False
        Set noisy counts below 0 to 0 (post-processing: costs no privacy, but biases small
        counts upward). By default the raw noisy counts are returned, negatives included.

    Returns
    -------
    Release
        The noisy counts (``values``, indexed by category) with ε, Δf, b and the mechanism.
    """
    sensitivity, scale, mechanism, what, budget = _checked(
        epsilon, sensitivity, mechanism, what, budget
    )
    series = _check_series(series, "series")
    counts = _histogram(series, _categories(series, categories, "series"))
    measurement, spent = _mechanism(scale, mechanism, sensitivity)
    if budget is not None:
        budget.spend(spent, what)
    values = _noisy(measurement, counts, mechanism).rename(what)
    if clip_negative:
        values = values.clip(lower=0)
    return Release(values, spent, sensitivity, scale, mechanism, what)


def _checked(
    epsilon: float, sensitivity: int, mechanism: str, what: str, budget: Any
) -> tuple[int, float, str, str, PrivacyBudget | None]:
    """Check a release's arguments; return sensitivity, scale, mechanism, what and budget."""
    sensitivity = integer(sensitivity, name="sensitivity", minimum=1, unit="rows per person")
    scale = noise_scale(epsilon, sensitivity)
    mechanism = one_of(mechanism, MECHANISMS, name="mechanism")
    return sensitivity, scale, mechanism, check_what(what), _check_budget(budget)


def _histogram(series: Any, categories: list[Any]) -> Any:
    """Return the number of rows per category, 0 for the empty ones, in category order."""
    return series.value_counts().reindex(categories, fill_value=0)


def _mechanism(scale: float, mechanism: str, sensitivity: int) -> tuple[Any, float]:
    """Build OpenDP's vector mechanism (no noise drawn yet) and its ε for ``sensitivity``."""
    dp = _opendp()
    if mechanism == "geometric":
        domain = dp.vector_domain(dp.atom_domain(T=int))
        measurement = dp.m.make_geometric(domain, dp.l1_distance(T=int), scale=scale)
        return measurement, float(measurement.map(sensitivity))
    domain = dp.vector_domain(dp.atom_domain(T=float, nan=False))
    measurement = dp.m.make_laplace(domain, dp.l1_distance(T=float), scale=scale)
    return measurement, float(measurement.map(float(sensitivity)))


def _noisy(measurement: Any, counts: Any, mechanism: str) -> Any:
    """Draw the noise: return the noisy counts as a Series indexed like ``counts``."""
    import pandas as pd

    kind = int if mechanism == "geometric" else float
    return pd.Series(measurement([kind(count) for count in counts]), index=counts.index)


def dp_rate(
    numerator: Any,
    by: Any,
    *,
    epsilon: float,
    sensitivity: int = 1,
    categories: Any = None,
    mechanism: str = "geometric",
    budget: PrivacyBudget | None = None,
    what: str = "rate",
) -> pd.DataFrame:
    """Release a rate per category (e.g. test positivity per clinic) with ε-DP.

    Two noisy histograms over the categories of ``by``, each at ε/2: the rows where
    ``numerator`` is True, and all rows. By sequential composition the pair is ε-DP; both
    halves are spent (two ledger entries, ``"<what>: positives"`` and ``"<what>: totals"``)
    after checking that the whole ε fits, and before any noise is drawn.

    Parameters
    ----------
    numerator : pandas.Series of bool
        True where a row counts towards the rate (e.g. a positive test).
    by : pandas.Series
        The category of each row (same index as ``numerator``). No NaN.
    epsilon : float
        The total privacy loss ε of the rate (> 0, finite).
    sensitivity, categories, mechanism, budget
        As in :func:`dp_counts`.
    what : str, default "rate"
        What is released (ledger entries get ``": positives"`` and ``": totals"`` appended).

    Returns
    -------
    pandas.DataFrame
        Indexed by category, columns ``noisy_positive``, ``noisy_total`` and ``rate``
        (noisy_positive / noisy_total; NaN where the noisy total is ≤ 0; not clipped, so it can
        fall outside [0, 1] for small groups). ``attrs`` holds epsilon, sensitivity, the scale
        of each half (``sensitivity / (epsilon / 2)``), mechanism and what.
    """
    import pandas as pd

    half = positive(epsilon, name="epsilon", unit="privacy loss") / 2
    sensitivity, scale, mechanism, what, budget = _checked(
        half, sensitivity, mechanism, what, budget
    )
    numerator = _check_series(numerator, "numerator")
    by = _check_series(by, "by")
    if not pd.api.types.is_bool_dtype(numerator.dtype):
        raise InvalidTypeError(NOT_BOOL_MSG.format(dtype=numerator.dtype))
    if not numerator.index.equals(by.index):
        raise InvalidValueError(ALIGN_MSG)
    listed = _categories(by, categories, "by")
    measurement, spent = _mechanism(scale, mechanism, sensitivity)
    if budget is not None:
        budget.check(2 * spent, what)
        budget.spend(spent, f"{what}: positives")
        budget.spend(spent, f"{what}: totals")
    positives = _noisy(measurement, _histogram(by[numerator], listed), mechanism)
    totals = _noisy(measurement, _histogram(by, listed), mechanism)
    frame = _rate_frame(positives, totals)
    frame.attrs.update(
        epsilon=2 * spent, sensitivity=sensitivity, scale=scale, mechanism=mechanism, what=what
    )
    return frame


def _rate_frame(positives: Any, totals: Any) -> Any:
    """Return the noisy counts and their ratio (NaN where the noisy total is ≤ 0)."""
    import pandas as pd

    rate = (positives / totals.astype(float)).where(totals > 0)
    return pd.DataFrame({"noisy_positive": positives, "noisy_total": totals, "rate": rate})


def release_error(release: Release, truth: pd.Series) -> pd.DataFrame:
    """Compare a release with the true values it was made from.

    Parameters
    ----------
    release : Release
        A release from :func:`dp_counts`.
    truth : pandas.Series
        The true values per category (e.g. ``series.value_counts()``); a released category
        absent from ``truth`` counts as 0.

    Returns
    -------
    pandas.DataFrame
        Indexed by category: ``true``, ``noisy``, ``abs_error`` (``|noisy − true|``) and
        ``expected_abs_error``, the mechanism's mean absolute noise E|X| (exact for the
        discrete Laplace: 1 / sinh(1/b); b for the continuous Laplace; see
        :func:`expected_abs_noise`). The mean of ``abs_error`` over many categories approaches
        it (unless ``clip_negative`` moved small counts).
    """
    import pandas as pd

    if not isinstance(release, Release):
        kind = type(release).__name__
        raise InvalidTypeError(RELEASE_MSG.format(value=release, type=kind))
    if not isinstance(truth, pd.Series):
        raise InvalidTypeError(
            SERIES_MSG.format(name="truth", value=truth, type=type(truth).__name__)
        )
    released = release.values.index
    extra = truth.index.difference(released).tolist()
    if extra:
        raise InvalidValueError(
            TRUTH_MSG.format(
                values=", ".join(map(repr, extra[:5])),
                categories=", ".join(map(repr, released)),
            )
        )
    true = truth.reindex(released, fill_value=0).astype(float)
    noisy = release.values.astype(float)
    return pd.DataFrame(
        {
            "true": true,
            "noisy": noisy,
            "abs_error": (noisy - true).abs(),
            "expected_abs_error": release.expected_abs_error,
        },
        index=released,
    )
