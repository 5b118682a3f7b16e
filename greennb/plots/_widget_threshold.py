"""The threshold widget: a decision threshold over predicted probabilities, one or per group.

A row is predicted ``pos_label`` (selected) when its score reaches the threshold of its group,
``score >= t(g)``: threshold 0 selects everyone. Each state recomputes accuracy
(scikit-learn's ``accuracy_score``) and two calls of
:func:`greennb.fairness.social_responsibility_index`: demographic parity (each group's
selection rate, and ``R``) and equal opportunity (each group's TPR). Per-group thresholds are
the post-processing that fairlearn's ``ThresholdOptimizer`` learns; here they are set by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from greennb._validation import one_of
from greennb.errors import InvalidTypeError, InvalidValueError
from greennb.fairness import group_label, social_responsibility_index
from greennb.plots._widget_sri import BAR_RANGE, draw_group_bars, group_pass_table
from greennb.plots._widgets import (
    TradeoffWidget,
    fairness_quietly,
    in_range,
    number,
    slider,
)

SCORES_SHAPE_MSG = (
    "scores must be one probability of pos_label per row, shape ({rows},), or predict_proba's "
    "shape ({rows}, n_classes) with classes=...; got shape {shape}."
)
SCORES_RANGE_MSG = "scores must be probabilities in [0, 1]; got values from {low} to {high}."
LABELS_MSG = (
    "y_true must hold pos_label={pos_label!r} and exactly one other label (or give classes=); "
    "it holds {labels}."
)
PER_GROUP_COLUMNS_MSG = (
    "per_group thresholds need one sensitive column; groups has the columns {columns}."
)


def _probabilities(scores: Any, rows: int, pos_label: Any, classes: Any) -> np.ndarray:
    """Return the probability of ``pos_label`` per row, from 1-D scores or predict_proba's."""
    try:
        values = np.asarray(scores, dtype=float)
    except (TypeError, ValueError) as error:
        raise InvalidTypeError(f"scores must be numbers (probabilities); {error}") from None
    if values.ndim == 2 and classes is not None:
        column = list(classes).index(one_of(pos_label, list(classes), name="pos_label"))
        values = values[:, column]
    if values.shape != (rows,):
        raise InvalidValueError(SCORES_SHAPE_MSG.format(rows=rows, shape=np.shape(scores)))
    if not np.isfinite(values).all() or values.min() < 0 or values.max() > 1:
        raise InvalidValueError(SCORES_RANGE_MSG.format(low=values.min(), high=values.max()))
    return values


def _negative_label(y_true: pd.Series, pos_label: Any, classes: Any) -> Any:
    """Return the label of a row not selected: the other class."""
    labels = list(classes) if classes is not None else list(pd.unique(y_true))
    others = [label for label in labels if label != pos_label]
    if pos_label not in labels or len(others) != 1:
        raise InvalidValueError(LABELS_MSG.format(pos_label=pos_label, labels=labels))
    return others[0]


def _group_labels(groups: Any) -> pd.Series:
    """Return each row's group label, as the SRI's per-group tables name it."""
    if isinstance(groups, pd.DataFrame):
        if groups.shape[1] != 1:
            raise InvalidValueError(PER_GROUP_COLUMNS_MSG.format(columns=list(groups.columns)))
        groups = groups.iloc[:, 0]
    values = pd.Series(np.asarray(groups))
    return values.map(lambda value: group_label(value, ["group"]))


def _describe(result: dict[str, Any]) -> str:
    verdict = {True: "meets the bar", False: "BELOW the bar", None: "undefined"}
    lines = [
        f"<b>accuracy = {result['accuracy']:.3f}</b>; <b>R = {number(result['R'])}</b> "
        f"(demographic parity, A = {number(result['A'])}, B = {result['B']:.2f}): "
        f"{verdict[result['meets_bar']]}; R of equal opportunity = "
        f"{number(result['R_equal_opportunity'])}",
        *(f"<i>{note}</i>" for note in result["warnings"]),
    ]
    return "<br>".join(lines)


def _draw(result: dict[str, Any], figure: Any) -> None:
    quantities = ("selection_rate", "true_positive_rate")
    draw_group_bars(figure, result["groups"], quantities, result["B"])
    shown = ", ".join(f"{g}: {t:.2f}" for g, t in result["thresholds"].items())
    figure.suptitle(
        f"thresholds {shown}; accuracy {result['accuracy']:.3f}, R = {number(result['R'])} "
        f"(demographic parity); dashed: B × best group"
    )


class _Thresholds:
    """The selection rule ``score >= t(group)`` and the numbers of one choice of thresholds."""

    def __init__(self, y_true, scores, groups, *, pos_label, classes, bar, per_group):
        self.y_true = pd.Series(np.asarray(y_true))
        self.scores = _probabilities(scores, len(self.y_true), pos_label, classes)
        self.negative = _negative_label(self.y_true, pos_label, classes)
        self.groups, self.pos_label, self.bar = groups, pos_label, bar
        self.labels = _group_labels(groups) if per_group else None
        self.names = sorted(set(self.labels)) if per_group else None

    def cuts(self, threshold: float | None, thresholds: Mapping[str, float] | None, initial):
        """Return one checked threshold, or each group's from a partial mapping over ``initial``."""
        if self.labels is None:
            return in_range(threshold, 0.0, 1.0, name="threshold")
        for name in thresholds:
            one_of(name, self.names, name="group")
        merged = {**initial, **thresholds}
        return {g: in_range(t, 0.0, 1.0, name=f"threshold of {g!r}") for g, t in merged.items()}

    def compute(self, cuts: float | dict[str, float]) -> dict[str, Any]:
        """Return accuracy, R and the per-group rates for one cut or each group's."""
        from sklearn.metrics import accuracy_score

        per_row = cuts if self.labels is None else self.labels.map(cuts).to_numpy(dtype=float)
        selected = self.scores >= per_row
        y_pred = np.where(selected, self.pos_label, self.negative)
        options = dict(bar=self.bar, pos_label=self.pos_label)
        (parity, opportunity), notes = fairness_quietly(
            lambda: [
                social_responsibility_index(self.y_true, y_pred, self.groups, metric=m, **options)
                for m in ("demographic_parity", "equal_opportunity")
            ]
        )
        table = group_pass_table(parity)
        table = table.join(group_pass_table(opportunity).drop(columns=["size", "passes"]))
        if self.labels is None:
            cuts = dict.fromkeys(table.index, cuts)
        table.insert(1, "threshold", [cuts.get(g, np.nan) for g in table.index])
        return {
            "thresholds": cuts,
            "accuracy": float(accuracy_score(self.y_true, y_pred)),
            "R": parity.value,
            "A": parity.fairness_score,
            "B": parity.bar,
            "meets_bar": parity.meets_bar,
            "worst_group": parity.worst_group,
            "R_equal_opportunity": opportunity.value,
            "warnings": notes,
            "groups": table,
        }


def threshold_widget(
    y_true: Any,
    scores: Any,
    groups: Any,
    *,
    pos_label: Any,
    per_group: bool = False,
    bar: float = 0.8,
    threshold: float = 0.5,
    classes: Any = None,
    show: bool = True,
) -> TradeoffWidget:
    """Move a decision threshold (one, or one per group) and see accuracy and R change live.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels (``pos_label`` and one other).
    scores : array-like of shape (n_samples,) or (n_samples, n_classes)
        Predicted probability of ``pos_label`` per row; or ``predict_proba``'s output with
        ``classes`` (the estimator's ``classes_``), from which the ``pos_label`` column is taken.
    groups : array-like, pandas.Series or pandas.DataFrame
        The sensitive group of each row (one column when ``per_group``).
    pos_label : object
        The label of a selected row (predicted when ``score >= threshold``).
    per_group : bool, default False
        One threshold slider per group (post-processing) instead of one for everyone.
    bar : float, default 0.8
        B of the SRI (in [0.5, 1]; 0.8 is the four-fifths rule).
    threshold : float, default 0.5
        Where the slider(s) start (probability, in [0, 1]).
    classes : sequence, optional
        The labels of the columns of a 2-D ``scores``; also gives the label of a row not
        selected (default: the label of ``y_true`` other than ``pos_label``).
    show : bool, default True
        Display the widget and the figure of the starting state (see :class:`TradeoffWidget`).

    Returns
    -------
    TradeoffWidget
        ``update(threshold=...)``, or with ``per_group`` ``update(thresholds={group: t})``
        (groups left out keep their start), returns ``thresholds`` (group → t), ``accuracy``
        (fraction), ``R``, ``A``, ``B``, ``meets_bar`` and ``worst_group`` (demographic
        parity), ``R_equal_opportunity``, ``warnings`` and ``groups`` (per group: ``size``,
        ``threshold``, ``selection_rate``, ``true_positive_rate``, their ratios to the best
        group and whether each reaches ``B × best``).

    Raises
    ------
    greennb.errors.InvalidValueError
        For scores that are not probabilities of the right shape, a ``pos_label`` that is not
        a label, a threshold outside [0, 1], a bar outside [0.5, 1], an unknown group in
        ``thresholds``, or several sensitive columns with ``per_group``.
    """
    bar = in_range(bar, *BAR_RANGE, name="bar")
    start = in_range(threshold, 0.0, 1.0, name="threshold")
    rule = _Thresholds(
        y_true,
        scores,
        groups,
        pos_label=pos_label,
        classes=classes,
        bar=bar,
        per_group=per_group,
    )
    names = rule.names if per_group else ["threshold"]
    controls = {
        name: slider(start, 0.0, 1.0, description=f"threshold of {name}" if per_group else name)
        for name in names
    }
    initial = dict.fromkeys(names, start)
    if per_group:
        state = lambda: {"thresholds": {n: c.value for n, c in controls.items()}}  # noqa: E731
    else:
        state = lambda: {"threshold": controls["threshold"].value}  # noqa: E731

    def compute(threshold: float | None = None, thresholds=None) -> dict[str, Any]:
        return rule.compute(rule.cuts(threshold, thresholds, initial))

    explorer = TradeoffWidget(
        name="threshold widget",
        controls=controls,
        compute=compute,
        describe=_describe,
        draw=_draw,
        state=state,
    )
    return explorer.show() if show else explorer
