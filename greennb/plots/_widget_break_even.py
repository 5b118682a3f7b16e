"""The break-even widget: lifetime energy of two models over the predictions they serve.

Each model's lifetime energy is ``E(N) = E_train + N × e`` (kWh), ``e`` its energy per
prediction. The two lines cross at the break-even ``N* = ΔE_train / Δe =
(E_train,b − E_train,a) / (e_a − e_b)``, when that is positive. When the per-prediction
energies are not measurably different (the verdict of :func:`greennb.energy.compare_energy`
or :func:`greennb.energy.verdict_table`), no break-even is claimed. The arithmetic is written
here because :func:`greennb.evaluation.lifetime_energy` works on whole variant tables, not on
two figures.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from greennb._validation import one_of
from greennb.energy import VERDICTS
from greennb.errors import InvalidValueError
from greennb.plots._axes import ENERGY_UNITS
from greennb.plots._widgets import (
    TradeoffWidget,
    energy_kwh,
    import_ipywidgets,
    in_range,
    number,
    readable_unit,
)

#: Range of the served-predictions slider, as powers of ten (10^2 to 10^9 predictions).
SERVED_EXPONENTS = (2, 9)
#: What a verdict may say: compare_energy's, or that a figure was unavailable.
BREAK_EVEN_VERDICTS = (*VERDICTS, "unavailable")
NO_DIFFERENCE = "no measurable difference"
NAMES_MSG = "names must be two different names, one per model; got {value!r}."


def break_even(
    training_a: float, per_prediction_a: float, training_b: float, per_prediction_b: float
) -> float | None:
    """Return ``N* = (E_train,b − E_train,a) / (e_a − e_b)``, or None when the lines never cross.

    Examples
    --------
    >>> break_even(1.0, 0.5, 3.0, 0.25)  # b: 2 kWh more to train, 0.25 kWh less per prediction
    8.0
    >>> break_even(1.0, 0.25, 3.0, 0.5) is None  # b costs more at every N
    True
    """
    saving = per_prediction_a - per_prediction_b
    if saving == 0:
        return None
    crossing = (training_b - training_a) / saving
    return crossing if crossing > 0 else None


def _sentence(result: dict[str, Any]) -> str:
    if result["verdict"] == NO_DIFFERENCE:
        return f"{NO_DIFFERENCE} in energy per prediction: no break-even is claimed"
    if result["verdict"] == "unavailable":
        return "energy per prediction unavailable: no break-even is claimed"
    if result["break_even"] is None:
        return f"no break-even: {result['lower'] or 'neither'} is lower at every N"
    return f"break-even at N* = {result['break_even']:,.0f} predictions"


def _lifetime(training, per_prediction, names, verdict, served: float) -> dict[str, Any]:
    served = in_range(served, 0.0, math.inf, name="served", unit="predictions")
    lifetime = [t + served * e for t, e in zip(training, per_prediction, strict=True)]
    lower = None if lifetime[0] == lifetime[1] else names[int(lifetime[1] < lifetime[0])]
    measurable = verdict not in (NO_DIFFERENCE, "unavailable")
    result = {
        "served": served,
        f"lifetime_kwh_{names[0]}": lifetime[0],
        f"lifetime_kwh_{names[1]}": lifetime[1],
        "lower": lower,
        "verdict": verdict,
        "break_even": break_even(training[0], per_prediction[0], training[1], per_prediction[1])
        if measurable
        else None,
    }
    result["sentence"] = _sentence(result)
    return result


def break_even_widget(
    training_kwh_a: Any,
    per_prediction_kwh_a: Any,
    training_kwh_b: Any,
    per_prediction_kwh_b: Any,
    *,
    names: Sequence[str] = ("a", "b"),
    served: int = 1_000_000,
    verdict: str | None = None,
    show: bool = True,
) -> TradeoffWidget:
    """Slide the predictions served and see which model's lifetime energy is lower.

    Parameters
    ----------
    training_kwh_a, training_kwh_b : float, EnergyInterval, EnergyResult or EnergyTotal
        ``E_train`` of each model (kWh; an interval or result gives its central value).
    per_prediction_kwh_a, per_prediction_kwh_b : float, EnergyInterval or EnergyResult
        ``e``, each model's energy per prediction (kWh).
    names : pair of str, default ("a", "b")
        The models' names, for the summary and the figure.
    served : int, default 1_000_000
        ``N``, where the served-predictions slider starts (in [10^2, 10^9], log scale).
    verdict : str, optional
        How b's energy per prediction compares with a's, as
        :func:`greennb.energy.compare_energy` or :func:`greennb.energy.verdict_table` says it
        (``"less"``, ``"more"``, ``"no measurable difference"``, or ``"unavailable"``). With
        ``"no measurable difference"`` or ``"unavailable"`` no break-even is claimed. Default
        None: no verdict, the central values are compared as they are.
    show : bool, default True
        Display the widget and the figure of the starting state (see :class:`TradeoffWidget`).

    Returns
    -------
    TradeoffWidget
        ``update(served=N)`` returns ``served``, ``lifetime_kwh_<name>`` for each model (kWh),
        ``lower`` (the name of the lower one, None if equal), ``verdict``, ``break_even``
        (``N*``, None when the lines do not cross for N > 0 or no break-even is claimed) and
        ``sentence``.

    Raises
    ------
    greennb.errors.InvalidValueError
        For a negative or unavailable energy, ``served`` outside [10^2, 10^9], names that are
        not two different strings, or an unknown verdict (the message lists the valid ones).

    Examples
    --------
    >>> explorer = break_even_widget(1.0, 4e-6, 3.0, 2e-6, names=("teacher", "student"),
    ...                              show=False)
    >>> explorer.update(served=100)["lower"], round(explorer.update()["break_even"])
    ('teacher', 1000000)
    """
    if (
        isinstance(names, str)
        or len(names) != 2
        or len(set(names)) != 2
        or not all(isinstance(n, str) for n in names)
    ):
        raise InvalidValueError(NAMES_MSG.format(value=names))
    names = tuple(names)
    arguments = {
        "training_kwh_a": training_kwh_a,
        "per_prediction_kwh_a": per_prediction_kwh_a,
        "training_kwh_b": training_kwh_b,
        "per_prediction_kwh_b": per_prediction_kwh_b,
    }
    kwh = {name: energy_kwh(value, name=name) for name, value in arguments.items()}
    training = [kwh["training_kwh_a"], kwh["training_kwh_b"]]
    per_prediction = [kwh["per_prediction_kwh_a"], kwh["per_prediction_kwh_b"]]
    if verdict is not None:
        one_of(verdict, BREAK_EVEN_VERDICTS, name="verdict")
    low, high = (10.0**e for e in SERVED_EXPONENTS)
    served = in_range(served, low, high, name="served", unit="predictions")
    ipywidgets = import_ipywidgets()
    controls = {
        "served": ipywidgets.FloatLogSlider(
            value=served,
            base=10,
            min=SERVED_EXPONENTS[0],
            max=SERVED_EXPONENTS[1],
            step=0.1,
            description="served N",
            readout_format=".3g",
            style={"description_width": "initial"},
            continuous_update=False,
        )
    }

    def describe(result: dict[str, Any]) -> str:
        return _describe(result, names)

    def draw(result: dict[str, Any], figure: Any) -> None:
        _draw(result, figure, names, training, per_prediction)

    explorer = TradeoffWidget(
        name="break-even widget",
        controls=controls,
        compute=lambda served: _lifetime(training, per_prediction, names, verdict, served),
        describe=describe,
        draw=draw,
        figsize=(7.0, 4.0),
    )
    return explorer.show() if show else explorer


def _describe(result: dict[str, Any], names: Sequence[str]) -> str:
    unit, factor = readable_unit(max(result[f"lifetime_kwh_{n}"] for n in names), ENERGY_UNITS)
    figures = ", ".join(
        f"{n}: {number(result[f'lifetime_kwh_{n}'] * factor)} {unit}" for n in names
    )
    lower = result["lower"] or "neither (equal)"
    return (
        f"<b>lifetime energy at N = {result['served']:,.0f}</b>: {figures}; "
        f"<b>lower: {lower}</b>; {result['sentence']}"
    )


def _draw(result, figure, names, training, per_prediction) -> None:
    ax = figure.subplots()
    served = np.logspace(*SERVED_EXPONENTS, 200)
    top = max(t + served[-1] * e for t, e in zip(training, per_prediction, strict=True))
    unit, factor = readable_unit(top, ENERGY_UNITS)
    for name, t, e in zip(names, training, per_prediction, strict=True):
        ax.plot(served, (t + served * e) * factor, label=f"{name}: E_train + N × e")
    ax.axvline(result["served"], color="black", linewidth=1, label=f"N = {result['served']:,.0f}")
    if result["break_even"] is not None:
        ax.axvline(result["break_even"], color="grey", linestyle="--", label="break-even N*")
    positive = all(t + served[0] * e > 0 for t, e in zip(training, per_prediction, strict=True))
    scale = "log" if positive else "linear"
    ax.set(
        xscale="log",
        yscale=scale,
        xlabel="predictions served N (log)",
        ylabel=f"lifetime energy ({unit}{', log' if positive else ''})",
    )
    ax.set_title(f"lower at N: {result['lower'] or 'neither'}; {result['sentence']}", fontsize=9)
    ax.legend(fontsize="small")
