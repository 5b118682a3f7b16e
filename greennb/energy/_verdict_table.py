"""Many figures against one reference: :func:`verdict_table`, a table of medians and verdicts.

A notebook that compares the energy of several models (per 1,000 predictions, per training)
needs one verdict per model and one sentence to sum them up. Each verdict is
:func:`~greennb.energy.compare_energy`'s ("less" or "more" only beyond the run-to-run noise and
the repeats' spread, else "no measurable difference"); this module only lays them out.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from greennb._noise import DEFAULT_NOISE, LESS, MORE, NO_DIFFERENCE, VERDICTS
from greennb._validation import integer
from greennb.energy._compare import compare_energy, comparison_side
from greennb.energy._repeat import relative_spread
from greennb.errors import InvalidValueError

#: Verdict of the reference row of :func:`verdict_table`: the figure the others are compared with.
REFERENCE = "reference"
#: Verdict of a row of :func:`verdict_table` whose figure (or the reference's) has no energy.
UNAVAILABLE = "unavailable"
UNKNOWN_BASELINE_MSG = "baseline {baseline!r} is not among the figures; valid choices: {choices}."
NO_FIGURES_MSG = "figures is empty: give at least one named energy figure to compare."
MWH_PER_KWH = 1e6


def _summary(reference: str, verdicts: Mapping[str, str], *, lowest: bool) -> str:
    """Say in one sentence how every other figure compares with the reference.

    ``lowest``: the reference is the figure with the lowest median (the cheapest).
    """
    named = {v: ", ".join(n for n, verdict in verdicts.items() if verdict == v) for v in VERDICTS}
    if lowest:
        labels = {MORE: "it uses less energy than", NO_DIFFERENCE: "no measurable difference from"}
        head = f"{reference} has the lowest median"
    else:
        labels = {
            LESS: "less energy:",
            MORE: "more energy:",
            NO_DIFFERENCE: "no measurable difference:",
        }
        head = f"compared with {reference}"
    parts = [f"{label} {named[v]}" for v, label in labels.items() if named[v]]
    return "; ".join([head, *parts]) if parts else f"{head}; nothing else to compare"


def verdict_table(
    figures: Mapping[str, Any],
    *,
    baseline: str | None = None,
    predictions: int | None = None,
    same_method: bool = True,
    noise: float = DEFAULT_NOISE,
):
    """Compare named energy figures with one reference: a table of medians, spreads, verdicts.

    Every verdict is :func:`compare_energy`'s: "less" or "more" only beyond the noise.

    Parameters
    ----------
    figures : mapping of str to figure
        Name (a model, a variant) to what :func:`compare_energy` takes, typically a
        :class:`~greennb.energy.RepeatedEnergy`. Every figure must cover the same work (e.g.
        the same number of predictions), so that comparing energies compares the models.
    baseline : str, optional
        The reference; default the figure with the lowest median energy, so that the table
        says whether the cheapest is measurably cheaper than each of the others.
    predictions : int, optional
        Predictions each figure covers: the energies are then shown per 1,000 predictions.
    same_method, noise
        Passed to :func:`compare_energy`.

    Returns
    -------
    pandas.DataFrame
        Indexed by name, the reference first and the others in the order given:
        ``mWh`` (or ``mWh_per_1000`` when ``predictions`` is given), the median
        (1 mWh = 0.001 Wh); ``low_mWh`` and ``high_mWh``, the median's interval on the same
        scale (the method's error); ``min_mWh`` and ``max_mWh``, the lowest and highest of the
        repeats' central figures on the same scale (the run-to-run range); ``spread``,
        ``(max − min) / median`` of the repeats (a fraction; 0 for a single figure);
        ``repeats``; ``ratio``, the median over the reference's; ``verdict``,
        ``"less"``, ``"more"`` or ``"no measurable difference"`` than the reference,
        ``"reference"`` or ``"unavailable"``; ``sentence``, :meth:`EnergyComparison.sentence`
        (the reference's sums the table up).

    Raises
    ------
    greennb.errors.InvalidValueError
        If ``figures`` is empty, ``baseline`` is not among them, or ``predictions < 1``.

    Examples
    --------
    >>> from greennb.energy._interval import EnergyInterval
    >>> table = verdict_table({"int8": [EnergyInterval.exact(e) for e in (0.5, 0.52, 0.55)],
    ...                        "teacher": [EnergyInterval.exact(e) for e in (1.0, 1.1, 1.02)]})
    >>> table["verdict"].to_dict()
    {'int8': 'reference', 'teacher': 'more'}
    >>> print(table.loc["int8", "sentence"])
    int8 has the lowest median; it uses less energy than teacher
    >>> figures = {"teacher": EnergyInterval.exact(1.0e-6), "pruned": EnergyInterval.exact(0.98e-6)}
    >>> same = verdict_table(figures, baseline="teacher")
    >>> same["verdict"].to_list()
    ['reference', 'no measurable difference']
    >>> print(same.loc["teacher", "sentence"])
    compared with teacher; no measurable difference: pruned
    """
    import pandas as pd

    if not figures:
        raise InvalidValueError(NO_FIGURES_MSG)
    if predictions is not None:
        predictions = integer(predictions, name="predictions", minimum=1)
    sides, missing = {}, {}
    for name, figure in figures.items():
        try:
            sides[name] = comparison_side(name, figure)
        except InvalidValueError as error:
            missing[name] = str(error)
    if baseline is not None and baseline not in figures:
        choices = ", ".join(map(str, figures))
        raise InvalidValueError(UNKNOWN_BASELINE_MSG.format(baseline=baseline, choices=choices))
    reference = baseline or min(sides, key=lambda name: sides[name].median.value, default=None)
    scale = MWH_PER_KWH * (1.0 if predictions is None else 1000 / predictions)
    rows, verdicts = {}, {}
    for name in figures:
        side = sides.get(name)
        row = {
            "mWh": math.nan,
            "low_mWh": math.nan,
            "high_mWh": math.nan,
            "min_mWh": math.nan,
            "max_mWh": math.nan,
            "spread": math.nan,
            "repeats": 0,
            "ratio": math.nan,
            "verdict": UNAVAILABLE,
            "sentence": missing.get(name, missing.get(reference, "")),
        }
        if side is not None:
            values = [i.value for i in side.intervals]
            row |= {
                "mWh": side.median.value * scale,
                "low_mWh": side.median.low * scale,
                "high_mWh": side.median.high * scale,
                "min_mWh": min(values) * scale,
                "max_mWh": max(values) * scale,
                "spread": relative_spread(values),
                "repeats": len(values),
            }
        if name == reference and side is not None:
            row |= {"ratio": 1.0, "verdict": REFERENCE}
        elif side is not None and reference in sides:
            comparison = compare_energy(
                figures[name], figures[reference], same_method=same_method, noise=noise
            )
            row |= {
                "ratio": comparison.ratio,
                "verdict": comparison.verdict,
                "sentence": comparison.sentence(name, reference),
            }
            verdicts[name] = comparison.verdict
        rows[name] = row
    if reference in sides:
        rows[reference]["sentence"] = _summary(reference, verdicts, lowest=baseline is None)
    order = [reference] * (reference in rows) + [name for name in rows if name != reference]
    table = pd.DataFrame.from_dict({name: rows[name] for name in order}, orient="index")
    return table.rename(columns={"mWh": "mWh_per_1000"}) if predictions else table
