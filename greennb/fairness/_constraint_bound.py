"""Reductions at a chosen constraint strength: fairlearn's ``difference_bound``.

:func:`~greennb.fairness.mitigate` builds fairlearn's constraint with its default bound (a
difference of 0.01 between each group's rate and the overall rate). A fairness-accuracy
frontier needs that bound as a knob: :func:`mitigate_to_bound` trains fairlearn's
``ExponentiatedGradient`` with ``DemographicParity(difference_bound=...)`` (or the equalized
odds / true-positive-rate parity moments), so that a sweep over the bound traces the trade-off.

In fairlearn 0.15 the bound is the moment's ``difference_bound``; ``ExponentiatedGradient``'s
own ``eps`` only sets the L1 bound ``1 / eps`` of the Lagrange multipliers
(https://fairlearn.org/v0.15/api_reference/generated/fairlearn.reductions.ExponentiatedGradient.html),
so sweeping ``eps`` barely moves the result.

Examples
--------
>>> import numpy as np
>>> from sklearn.linear_model import LogisticRegression
>>> rng = np.random.default_rng(0)
>>> group = rng.choice(["a", "b"], size=400)
>>> X = np.column_stack([rng.normal(size=400), group == "a"])
>>> y = np.where(X[:, 0] + X[:, 1] > 0.5, "yes", "no")
>>> fair = mitigate_to_bound(LogisticRegression(), X, y, sensitive_features=group,
...                          difference_bound=0.05, pos_label="yes")
>>> sorted(set(fair.predict(X)))
['no', 'yes']
"""

from __future__ import annotations

from typing import Any

from fairlearn.reductions import ExponentiatedGradient
from sklearn.base import clone

from greennb._validation import fraction, is_integer, one_of
from greennb.errors import InvalidTypeError, InvalidValueError
from greennb.fairness._mitigated_classifier import (
    MitigatedClassifier,
    fairlearn_groups,
    quiet_fairlearn,
)
from greennb.fairness._mitigation import (
    _REDUCTION_MOMENTS,
    BAD_RANDOM_STATE_ERROR,
    MITIGATION_CONSTRAINTS,
    _check_groups_have_both_labels,
    _sample_weight_name,
    _training_data,
)

#: fairlearn's bound when none is given (``fairlearn.reductions`` ``_DEFAULT_DIFFERENCE_BOUND``).
DEFAULT_DIFFERENCE_BOUND = 0.01


def mitigate_to_bound(
    estimator: Any,
    X: Any,
    y: Any,
    *,
    sensitive_features: Any,
    difference_bound: float = DEFAULT_DIFFERENCE_BOUND,
    constraint: str = "demographic_parity",
    pos_label: Any = None,
    random_state: int = 0,
    max_iter: int = 50,
) -> MitigatedClassifier:
    """Train fairlearn's ``ExponentiatedGradient`` with the constraint bounded at a chosen value.

    Parameters
    ----------
    estimator : scikit-learn classifier or Pipeline
        Cloned and retrained on reweighted data; it must accept sample weights (a Pipeline's
        last step receives them).
    X, y, sensitive_features, pos_label, random_state
        As for :func:`greennb.fairness.mitigate` (binary labels in any form; ``pos_label`` is
        the label encoded as 1 for fairlearn).
    difference_bound : float, default 0.01
        Largest allowed difference (fraction, in (0, 1]) between each group's rate and the
        overall rate on the training data: selection rates for demographic parity, TPR and
        FPR for equalized odds, TPR for true-positive-rate parity. Smaller is stricter;
        0.01 is fairlearn's default, what :func:`~greennb.fairness.mitigate` uses.
    constraint : {"demographic_parity", "equalized_odds", "true_positive_rate_parity"}
        What to equalize.
    max_iter : int, default 50
        fairlearn's iterations of the game (each retrains the estimator once).

    Returns
    -------
    MitigatedClassifier
        With ``method="exponentiated_gradient"``; ``predict`` returns labels of ``y``.

    Raises
    ------
    InvalidValueError
        A bound outside (0, 1], an unknown constraint, ``max_iter < 1``, and every input
        :func:`~greennb.fairness.mitigate` refuses.
    InvalidTypeError
        A ``random_state`` that is not an int.
    """
    bound = fraction(difference_bound, name="difference_bound", low_open=True)
    one_of(constraint, MITIGATION_CONSTRAINTS, name="fairness constraint")
    if not is_integer(random_state):
        raise InvalidTypeError(BAD_RANDOM_STATE_ERROR.format(value=random_state))
    if not is_integer(max_iter) or max_iter < 1:
        raise InvalidValueError(f"max_iter must be an int >= 1 (iterations); got {max_iter!r}.")
    rows, encoded, classes, pos_label, frame = _training_data(X, y, sensitive_features, pos_label)
    method = "exponentiated_gradient"
    _check_groups_have_both_labels(encoded, frame, method=method, constraint=constraint)
    mitigator = ExponentiatedGradient(
        clone(estimator),
        _REDUCTION_MOMENTS[constraint](difference_bound=bound),
        max_iter=max_iter,
        sample_weight_name=_sample_weight_name(estimator),
    )
    with quiet_fairlearn():
        mitigator.fit(rows, encoded, sensitive_features=fairlearn_groups(frame))
    return MitigatedClassifier(
        mitigator, method=method, constraint=constraint, classes=classes, random_state=random_state
    )
