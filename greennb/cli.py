"""The ``greennb`` command: a thin layer over the library.

Sub-commands
------------
``greennb demo``
    Load a shipped dataset, train a baseline inside the energy tracker and print
    task quality, energy (with its measured/estimated flags), CO2e and the
    social responsibility index. This is the main job until the case-study
    notebooks arrive.
``greennb datasets``
    The shipped datasets, with task, size, target and sensitive columns.
``greennb countries``
    Grid carbon intensity and renewable share per country (CodeCarbon's data).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import pandas as pd

from greennb import __version__
from greennb.carbon import (
    DEFAULT_PUE,
    carbon_emissions,
    default_country,
    facility_energy,
    grid_carbon_intensity,
    list_countries,
)
from greennb.data import dataset_table, list_datasets, load_dataset, split_dataset
from greennb.energy import EnergyResult, configure, track
from greennb.models import list_models, make_model
from greennb.sri import SRIResult, social_responsibility_index

DEFAULT_DEMO_DATASET = "hmda"
DEFAULT_DEMO_MODEL = "logistic"
# The fairness metric the demo summarises into R, by task: who gets selected
# (classification) or whose forecasts are worse (regression, forecast).
DEMO_SRI_METRIC = {"classification": "demographic_parity", "regression": "mae", "forecast": "mae"}


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="greennb",
        description="Energy, carbon and fairness of machine-learning models, measured.",
    )
    parser.add_argument("--version", action="version", version=f"greennb {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    demo = commands.add_parser(
        "demo",
        help="train a baseline under the energy tracker and print accuracy, energy and SRI",
        description=(
            "Load a shipped dataset, train a baseline model while CodeCarbon measures the "
            "machine's energy, then print task quality, energy (measured or estimated), "
            "CO2e and the social responsibility index R = A / B."
        ),
    )
    demo.add_argument(
        "--dataset",
        default=DEFAULT_DEMO_DATASET,
        choices=list_datasets(),
        help=f"shipped dataset (default: {DEFAULT_DEMO_DATASET})",
    )
    demo.add_argument(
        "--model",
        default=DEFAULT_DEMO_MODEL,
        help=f"baseline model, one of {', '.join(list_models())} (default: {DEFAULT_DEMO_MODEL})",
    )
    demo.add_argument(
        "--country",
        default=None,
        help="3-letter ISO code of the electricity grid, e.g. FRA "
        f"(default: $GREENNB_COUNTRY or {default_country()})",
    )
    demo.add_argument(
        "--pue",
        type=float,
        default=DEFAULT_PUE,
        help=f"power usage effectiveness of the facility, >= 1 (default: {DEFAULT_PUE})",
    )
    demo.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")

    commands.add_parser(
        "datasets",
        help="list the shipped datasets",
        description="List the shipped datasets with task, rows, target and sensitive columns.",
    )
    countries = commands.add_parser(
        "countries",
        help="grid carbon intensity and renewable share per country",
        description="Grid carbon intensity (g CO2e/kWh) and renewable share per country, "
        "from the energy-mix data bundled with CodeCarbon.",
    )
    countries.add_argument("--search", default="", help="only rows whose code or name contain this")
    return parser


def _quality(task: str, y_true: pd.Series, y_pred) -> tuple[str, float]:
    """Return the task-quality metric's name and value (accuracy or MAE in target units)."""
    from sklearn.metrics import accuracy_score, mean_absolute_error

    if task == "classification":
        return "accuracy", float(accuracy_score(y_true, y_pred))
    return "MAE", float(mean_absolute_error(y_true, y_pred))


def _sri_labels(data) -> dict:
    """Return the label keyword for the SRI: rates of the outcome people want, if any.

    The four-fifths rule compares selection rates of the favourable outcome (an approved
    loan), which is not always the class the model detects (a denial).
    """
    if data.task != "classification":
        return {}
    if data.favourable_label is not None:
        return {"pos_label": data.favourable_label}
    return {"pos_label": data.positive_label}


def run_demo(
    *,
    dataset: str = DEFAULT_DEMO_DATASET,
    model: str = DEFAULT_DEMO_MODEL,
    country: str | None = None,
    pue: float = DEFAULT_PUE,
    seed: int = 0,
) -> dict:
    """Train one baseline under the tracker and return its quality, energy and SRI.

    Parameters
    ----------
    dataset : str
        Name of a shipped dataset (see :func:`greennb.list_datasets`).
    model : str
        Baseline name (see :func:`greennb.list_models`).
    country : str, optional
        3-letter ISO code of the grid; default :func:`greennb.default_country`.
    pue : float
        Power usage effectiveness (dimensionless, >= 1) applied to the measured energy.
    seed : int
        Seed of the split and the model.

    Returns
    -------
    dict
        ``quality`` (name, value), ``train`` and ``inference`` :class:`EnergyResult`,
        ``facility`` (:class:`FacilityEnergy` of training + inference), ``emissions_kg``
        (kg CO2e of that total) and ``sri`` (:class:`SRIResult`).
    """
    country = country or default_country()
    grid_carbon_intensity(country)  # fail early, with the valid choices, on a bad code
    facility_energy(0.0, pue=pue)  # likewise for a PUE below 1
    data = load_dataset(dataset)
    split = split_dataset(data, random_state=seed)
    estimator = make_model(model, task=data.task, random_state=seed)
    configure(country=country)
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
    computation_kwh = sum(r.energy_kwh or 0.0 for r in (train.result, inference.result))
    facility = facility_energy(computation_kwh, pue=pue)
    return {
        "dataset": data,
        "model": model,
        "quality": _quality(data.task, split.y_test, y_pred),
        "train": train.result,
        "inference": inference.result,
        "facility": facility,
        "emissions_kg": carbon_emissions(facility.total_kwh, country=country),
        "country": country,
        "sri": sri,
    }


def _print_energy(result: EnergyResult) -> None:
    print(f"  {result.summary()}")
    if result.status != "measured":
        print(f"    note: {result.reason}")


def _print_demo(outcome: dict) -> None:
    data, sri = outcome["dataset"], outcome["sri"]
    sri: SRIResult
    name, value = outcome["quality"]
    unit = "" if name == "accuracy" else f" {data.target_unit}"
    print(f"greennb demo — {data.name} ({data.task}), model {outcome['model']!r}")
    print(f"  {name} on the test split: {value:.4g}{unit}")
    print("Energy (machine level, CodeCarbon, PUE 1):")
    _print_energy(outcome["train"])
    _print_energy(outcome["inference"])
    facility = outcome["facility"]
    wh = {key: value * 1000 for key, value in facility.to_dict().items() if key.endswith("_kwh")}
    print(
        f"Facility energy with PUE {facility.pue:g}: {wh['total_kwh']:.4g} Wh "
        f"(computation {wh['computation_kwh']:.4g}, cooling {wh['cooling_kwh']:.4g}, "
        f"other data-centre {wh['data_center_kwh']:.4g})"
    )
    print(
        f"Emissions on the {outcome['country']} grid: {outcome['emissions_kg'] * 1000:.4g} g CO2e "
        f"({'estimated' if outcome['train'].status != 'measured' else 'measured'} energy)"
    )
    print("Social responsibility index:")
    print(f"  {sri!r}")


def _print_table(frame: pd.DataFrame) -> None:
    with pd.option_context("display.max_rows", None, "display.width", 200):
        print(frame.to_string(index=False))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``greennb`` command line; return the exit status."""
    args = _build_parser().parse_args(argv)
    try:
        if args.command == "demo":
            _print_demo(
                run_demo(
                    dataset=args.dataset,
                    model=args.model,
                    country=args.country,
                    pue=args.pue,
                    seed=args.seed,
                )
            )
        elif args.command == "datasets":
            _print_table(dataset_table().drop(columns=["source"]))
        elif args.command == "countries":
            table = list_countries()
            needle = args.search.lower()
            mask = table.apply(lambda row: needle in " ".join(map(str, row)).lower(), axis=1)
            _print_table(table[mask])
    except ValueError as error:
        print(f"greennb: error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
