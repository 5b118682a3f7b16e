"""The demo workflow behind ``greennb demo``: one baseline, measured end to end.

Load a shipped dataset, split it, train a baseline inside the energy tracker, predict the test
rows inside it too, then report the task quality, the energy of both phases (each flagged
measured or estimated), their total priced at a :class:`~greennb.energy.Pricing` (facility
energy ``E_total = E × PUE`` and emissions ``E_total × CI × (1 − ε)``) and the social
responsibility index ``R = A / B``.

Examples
--------
>>> from greennb.energy import Pricing
>>> outcome = run_demo(dataset="hmda", pricing=Pricing(country="FRA"))  # doctest: +SKIP
>>> outcome.quality  # doctest: +SKIP
{'accuracy': 0.9}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from greennb.data import Dataset, favourable_or_positive, load_dataset, split_dataset
from greennb.energy import (
    EnergyResult,
    EnergyTotal,
    FacilityEnergy,
    Pricing,
    configure,
    facility_energy,
    total_energy,
    track,
)
from greennb.errors import InvalidTypeError
from greennb.fairness import SRIResult, social_responsibility_index
from greennb.models import make_model, task_quality

DEFAULT_DEMO_DATASET = "hmda"
DEFAULT_DEMO_MODEL = "logistic"
#: The fairness metric the demo summarises into R, by task: who gets selected
#: (classification) or whose predictions are worse (regression, forecast).
DEMO_SRI_METRIC = {"classification": "demographic_parity", "regression": "mae", "forecast": "mae"}

NOT_PRICING_MSG = "pricing must be a greennb.energy.Pricing; got {type_name}."


@dataclass(frozen=True)
class DemoOutcome:
    """What :func:`run_demo` measured.

    Attributes
    ----------
    dataset : Dataset
        The shipped dataset.
    model : str
        The baseline's name.
    quality : dict of str to float
        ``{"accuracy": ...}`` (fraction) or ``{"mae": ...}`` (target unit) on the test rows.
    train, inference : EnergyResult
        The two tracked phases (E_computation in kWh, measured or estimated).
    total : EnergyTotal
        Their total (:func:`greennb.energy.total_energy`; None kWh when a phase has none).
    pricing : Pricing
        Grid, PUE and ε the total is priced at.
    facility : FacilityEnergy or None
        ``E_total = E × PUE`` split into computation, cooling and other data-centre energy
        (kWh); None when the total is unavailable.
    emissions_g : float or None
        ``E_total × CI × (1 − ε)`` in g CO2e; None when the total is unavailable.
    sri : SRIResult
        The social responsibility index of the test predictions.
    """

    dataset: Dataset
    model: str
    quality: dict[str, float]
    train: EnergyResult
    inference: EnergyResult
    total: EnergyTotal
    pricing: Pricing
    facility: FacilityEnergy | None
    emissions_g: float | None
    sri: SRIResult


def _sri_labels(dataset: Dataset) -> dict[str, Any]:
    if dataset.task != "classification":
        return {}
    return {"pos_label": favourable_or_positive(dataset)}


def run_demo(
    *,
    dataset: str = DEFAULT_DEMO_DATASET,
    model: str = DEFAULT_DEMO_MODEL,
    pricing: Pricing | None = None,
    seed: int = 0,
) -> DemoOutcome:
    """Train one baseline under the energy tracker; return its quality, energy, CO2e and SRI.

    Parameters
    ----------
    dataset : str, default "hmda"
        Name of a shipped dataset (see :func:`greennb.data.list_datasets`).
    model : str, default "logistic"
        Baseline name (see :func:`greennb.models.list_models`).
    pricing : Pricing, optional
        Grid (3-letter ISO code), PUE (>= 1, dimensionless) and renewable share ε (fraction)
        at which the measured energy is priced; default ``Pricing()`` (the default country,
        the industry-average PUE, ε = 0). The process-wide energy session is configured for
        its country.
    seed : int, default 0
        Seed of the split and of the model.

    Returns
    -------
    DemoOutcome
        Quality, both energy phases (kWh), their total, the facility energy (kWh), the
        emissions (g CO2e) and the SRI.

    Raises
    ------
    greennb.errors.InvalidValueError
        For an unknown dataset or model (naming the valid ones).
    greennb.errors.InvalidTypeError
        For a ``pricing`` that is not a :class:`~greennb.energy.Pricing`.
    """
    if pricing is None:
        pricing = Pricing()
    if not isinstance(pricing, Pricing):
        raise InvalidTypeError(NOT_PRICING_MSG.format(type_name=type(pricing).__name__))
    data = load_dataset(dataset)
    split = split_dataset(data, random_state=seed)
    estimator = make_model(model, task=data.task, random_state=seed)
    configure(country=pricing.country)
    with track("train") as train:
        estimator.fit(split.X_train, split.y_train)
    with track("inference") as inference:
        y_pred = estimator.predict(split.X_test)
    sri = social_responsibility_index(
        split.y_test,
        y_pred,
        sensitive_features=split.sensitive_test[data.sensitive[0]],
        metric=DEMO_SRI_METRIC[data.task],
        **_sri_labels(data),
    )
    total = total_energy([train.result, inference.result])
    kwh = total.energy_kwh
    return DemoOutcome(
        dataset=data,
        model=model,
        quality=task_quality(data.task, split.y_test, y_pred),
        train=train.result,
        inference=inference.result,
        total=total,
        pricing=pricing,
        facility=None if kwh is None else facility_energy(kwh, pue=pricing.pue),
        emissions_g=pricing.emissions_g(kwh),
        sri=sri,
    )
