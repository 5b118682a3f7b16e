"""The SRI widget: the bar B and the metric of ``R = A / B``, and which groups pass.

Each state is one call of :func:`greennb.fairness.social_responsibility_index`. A group
passes when its value reaches ``B`` times the best group's, ``m(g) / max_h m(h) >= B`` for
each quantity of the metric (both the TPR and the FPR for equalized odds): the model meets the
bar exactly when every group with a defined value passes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

from greennb._validation import one_of
from greennb.errors import InvalidTypeError, InvalidValueError
from greennb.fairness import (
    BAR_TOLERANCE,
    REGRESSION_SRI_METRICS,
    SRI_METRICS,
    SRIResult,
    social_responsibility_index,
)
from greennb.plots._widgets import (
    TradeoffWidget,
    fairness_quietly,
    import_ipywidgets,
    in_range,
    number,
    slider,
)

#: Range of the bar slider: B from a lenient 0.5 to strict parity (1.0).
BAR_RANGE = (0.5, 1.0)
#: The SRI metrics of a classifier, which the widget offers.
CLASSIFICATION_SRI_METRICS = tuple(m for m in SRI_METRICS if m not in REGRESSION_SRI_METRICS)
NO_METRICS_MSG = "metrics must name at least one of {choices}; got {value!r}."


def _passes(ratio: float, bar: float) -> bool | None:
    """Whether one group's ratio to the best reaches ``B`` (inclusive, as the SRI compares A)."""
    if math.isnan(ratio):
        return None
    return ratio >= bar or math.isclose(ratio, bar, rel_tol=BAR_TOLERANCE)


def group_pass_table(sri: SRIResult) -> pd.DataFrame:
    """Return each group's value, its ratio to the best group and whether it passes the bar.

    Parameters
    ----------
    sri : SRIResult
        A result of :func:`greennb.fairness.social_responsibility_index` (a single metric).

    Returns
    -------
    pandas.DataFrame
        Indexed by group: ``size``; for each quantity ``q`` of the metric, ``q`` (its value),
        ``q_ratio`` (``m(g) / max_h m(h)``, NaN when undefined) and ``q_passes``; and
        ``passes``, True when every defined quantity reaches ``B × best``, None when none is
        defined.
    """
    table = sri.by_group[["size"]].copy()
    verdicts = []
    for quantity in SRI_METRICS[sri.metric]:
        values = sri.by_group[quantity].astype(float)
        best = values.max()
        ratio = values / best if best > 0 else values * math.nan
        table[quantity] = values
        table[f"{quantity}_ratio"] = ratio
        table[f"{quantity}_passes"] = [_passes(r, sri.bar) for r in ratio]
        verdicts.append(table[f"{quantity}_passes"])
    table["passes"] = [
        None if all(v is None for v in row) else all(v is not False for v in row)
        for row in zip(*verdicts, strict=True)
    ]
    return table


def _metrics(metrics: Any) -> tuple[str, ...]:
    if isinstance(metrics, str):
        metrics = (metrics,)
    try:
        chosen = tuple(metrics)
    except TypeError:
        raise InvalidTypeError(
            NO_METRICS_MSG.format(choices=", ".join(CLASSIFICATION_SRI_METRICS), value=metrics)
        ) from None
    if not chosen:
        raise InvalidValueError(
            NO_METRICS_MSG.format(choices=", ".join(CLASSIFICATION_SRI_METRICS), value=metrics)
        )
    return tuple(one_of(m, CLASSIFICATION_SRI_METRICS, name="metric") for m in chosen)


def _result(sri: SRIResult, warnings: list[str]) -> dict[str, Any]:
    return {
        "metric": sri.metric,
        "R": sri.value,
        "A": sri.fairness_score,
        "B": sri.bar,
        "meets_bar": sri.meets_bar,
        "binding_component": sri.binding_component,
        "worst_group": sri.worst_group,
        "best_group": sri.best_group,
        "explanation": sri.explanation,
        "warnings": warnings,
        "groups": group_pass_table(sri),
    }


def _describe(result: dict[str, Any]) -> str:
    verdict = {True: "meets the bar", False: "BELOW the bar", None: "undefined"}
    groups = result["groups"]
    failing = [str(g) for g, ok in groups["passes"].items() if ok is False]
    lines = [
        f"<b>R = {number(result['R'])}</b> (A = {number(result['A'])}, B = {result['B']:.2f}, "
        f"{result['metric']}): {verdict[result['meets_bar']]}; worst group "
        f"{result['worst_group']!r}, best {result['best_group']!r}",
        f"groups below B × best: {', '.join(failing) or 'none'}",
        *(f"<i>{note}</i>" for note in result["warnings"]),
    ]
    return "<br>".join(lines)


def draw_group_bars(figure: Any, groups: pd.DataFrame, quantities: Sequence[str], bar: float):
    """Draw one panel per quantity: each group's value, and the line ``B × best`` to reach."""
    axes = figure.subplots(1, len(quantities), squeeze=False)[0]
    colours = {True: "tab:green", False: "tab:red", None: "tab:grey"}
    labels = [str(group) for group in groups.index]
    for ax, quantity in zip(axes, quantities, strict=True):
        values = groups[quantity].fillna(0.0)
        passes = groups[f"{quantity}_passes"] if f"{quantity}_passes" in groups else None
        colour = ["tab:blue"] * len(values) if passes is None else [colours[p] for p in passes]
        ax.bar(labels, values, color=colour)
        ax.axhline(bar * groups[quantity].max(), color="black", linestyle="--", linewidth=1)
        ax.set_ylabel(f"{quantity.replace('_', ' ')} (fraction)")
        ax.set_ylim(0, 1.05)
        ax.tick_params(axis="x", labelrotation=30)
    return axes


def _draw(result: dict[str, Any], figure: Any) -> None:
    draw_group_bars(figure, result["groups"], SRI_METRICS[result["metric"]], result["B"])
    figure.suptitle(
        f"R = {number(result['R'])} (A = {number(result['A'])}, B = {result['B']:.2f}, "
        f"{result['metric']}); dashed: B × best group; green passes, red does not"
    )


def sri_widget(
    y_true: Any,
    y_pred: Any,
    groups: Any,
    *,
    pos_label: Any,
    metrics: Sequence[str] = ("demographic_parity", "equal_opportunity", "equalized_odds"),
    bar: float = 0.8,
    positive_is_favourable: bool = True,
    show: bool = True,
) -> TradeoffWidget:
    """Explore the SRI ``R = A / B`` of fixed predictions over the bar B and the metric.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        True and predicted labels, as :func:`greennb.fairness.social_responsibility_index`
        takes them.
    groups : array-like, pandas.Series or pandas.DataFrame
        The sensitive group of each row (several columns give intersectional groups).
    pos_label : object
        Label of a positive prediction (the rate compared).
    metrics : sequence of str, default ("demographic_parity", "equal_opportunity", "equalized_odds")
        The metrics the dropdown offers (classification metrics of
        :data:`greennb.fairness.SRI_METRICS`); it starts at the first.
    bar : float, default 0.8
        B, where the slider starts (in [0.5, 1]; 0.8 is the four-fifths rule).
    positive_is_favourable : bool, default True
        Whether a positive prediction benefits the person; decides which end is the worst group.
    show : bool, default True
        Display the widget and the figure of the starting state (see :class:`TradeoffWidget`).

    Returns
    -------
    TradeoffWidget
        ``update(metric=..., bar=...)`` returns ``metric``, ``R``, ``A``, ``B``,
        ``meets_bar``, ``binding_component``, ``worst_group``, ``best_group``,
        ``explanation``, ``warnings`` (the FairnessWarnings of that state, as text) and
        ``groups`` (:func:`group_pass_table`: which groups reach ``B × best``).

    Raises
    ------
    greennb.errors.InvalidValueError
        For a metric that is not a classification SRI metric (the message lists them), a bar
        outside [0.5, 1], or inputs the SRI refuses (its message).
    """
    chosen = _metrics(metrics)
    bar = in_range(bar, *BAR_RANGE, name="bar")

    def compute(metric: str, bar: float) -> dict[str, Any]:
        sri, notes = fairness_quietly(
            lambda: social_responsibility_index(
                y_true,
                y_pred,
                groups,
                metric=one_of(metric, chosen, name="metric"),
                bar=bar,
                pos_label=pos_label,
                positive_is_favourable=positive_is_favourable,
            )
        )
        return _result(sri, notes)

    controls = {
        "metric": import_ipywidgets().Dropdown(
            options=chosen, value=chosen[0], description="metric"
        ),
        "bar": slider(bar, *BAR_RANGE, description="bar B"),
    }
    explorer = TradeoffWidget(
        name="SRI widget", controls=controls, compute=compute, describe=_describe, draw=_draw
    )
    return explorer.show() if show else explorer
