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
``greennb run CASE [CASE ...] [-p NAME VALUE]... [--all]``
    Execute case notebooks with papermill into the run store
    (``papermill_runs/<case>/<timestamp>-<hash>/``), parameters checked first.
``greennb list``
    The cases and their parameters: type, default and help.
``greennb report``
    Aggregate every finished run into ``papermill_runs/report/`` (CSV, Markdown, HTML).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from greennb import __version__
from greennb.data import dataset_table, list_datasets, load_dataset, split_dataset
from greennb.energy import (
    DEFAULT_PUE,
    EnergyResult,
    carbon_emissions,
    configure,
    default_country,
    facility_energy,
    grid_carbon_intensity,
    list_countries,
    track,
)
from greennb.errors import InvalidValueError
from greennb.fairness import SRIResult, social_responsibility_index
from greennb.models import list_models, make_model
from greennb.runs import RunFailed, RunResult, case_parameters, list_cases, notebook_path, run_cases

DEFAULT_DEMO_DATASET = "hmda"
DEFAULT_DEMO_MODEL = "logistic"
# The fairness metric the demo summarises into R, by task: who gets selected
# (classification) or whose forecasts are worse (regression, forecast).
DEMO_SRI_METRIC = {"classification": "demographic_parity", "regression": "mae", "forecast": "mae"}
RUNS_DIR_HELP = "root of the run store (default: $GREENNB_RUNS_DIR or ./papermill_runs)"
INTERRUPTED_MSG = "greennb: interrupted; a run already started is kept as a *.failed folder."
CASES_AND_ALL_MSG = "give case names or --all, not both."
PARAMETERS_FILE_UNREADABLE_MSG = "cannot read the parameters file {path}: {error}"
PARAMETERS_FILE_MSG = "parameters file {path} must hold a mapping of names to values; got {kind}."


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
    _add_run_parser(commands)
    commands.add_parser(
        "list",
        help="list the case notebooks and their parameters",
        description="List the case notebooks (notebooks/NN_<case>.ipynb) and the parameters of "
        "each, with type, default and help, as papermill reads the parameters cell.",
    )
    report = commands.add_parser(
        "report",
        help="aggregate every finished run into a table and plots",
        description="Aggregate every finished run of the run store into report.csv, report.md "
        "and report.html (trade-off and footprint plots embedded), by default in "
        "papermill_runs/report/.",
    )
    report.add_argument("--runs-dir", default=None, help=RUNS_DIR_HELP)
    report.add_argument("--out", default=None, help="output folder (default: RUNS_DIR/report)")
    return parser


def _add_run_parser(commands) -> None:
    run = commands.add_parser(
        "run",
        help="execute case notebooks with papermill into the run store",
        description="Execute case notebooks with papermill. Parameters are checked against the "
        "notebook's parameters cell before anything runs; each run gets its own folder "
        "RUNS_DIR/<case>/<UTC timestamp>-<parameter hash>/ with the executed notebook, "
        "params.json, metrics.json, CodeCarbon's CSV and the figures. A failed run is kept "
        "as <name>.failed/ with error.txt.",
    )
    run.add_argument("cases", nargs="*", metavar="CASE", help="case names (see greennb list)")
    run.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        help="set a notebook parameter (repeatable); VALUE is converted to the parameter's "
        "type, lists as YAML: -p thresholds '[0.3, 0.6]'",
    )
    run.add_argument(
        "-f",
        "--parameters-file",
        default=None,
        help="YAML or JSON file of parameters, e.g. a run's params.json to reproduce it; "
        "-p overrides its values",
    )
    run.add_argument("--all", action="store_true", help="run every case, in order")
    run.add_argument(
        "--keep-going", action="store_true", help="with several cases, go on after a failure"
    )
    run.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    run.add_argument("--runs-dir", default=None, help=RUNS_DIR_HELP)
    run.add_argument("--kernel", default=None, help="Jupyter kernel (default: python3)")
    run.add_argument(
        "--timeout", type=float, default=None, help="seconds one cell may run (default: no limit)"
    )


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


def _run_parameters(args: argparse.Namespace) -> dict:
    """Merge the parameters file and the -p pairs (values stay strings for runs.py to convert)."""
    parameters = {}
    if args.parameters_file:
        import yaml  # a papermill dependency; JSON is YAML

        path = Path(args.parameters_file)
        try:
            loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as error:
            message = PARAMETERS_FILE_UNREADABLE_MSG.format(path=path, error=error)
            raise InvalidValueError(message) from None
        if not isinstance(loaded, dict):
            raise InvalidValueError(
                PARAMETERS_FILE_MSG.format(path=path, kind=type(loaded).__name__)
            )
        parameters.update(loaded)
    parameters.update(dict(args.parameter))
    return parameters


def _print_run(result: RunResult) -> None:
    print(f"greennb: {result.case} finished in {result.wall_s:.1f} s -> {result.path}")
    for model in result.metrics["models"]:
        quality = ", ".join(f"{k} {v:.4g}" for k, v in model["quality"].items())
        energy = model["energy_total"]
        kwh = energy["energy_kwh"]
        wh = "n/a" if kwh is None else f"{kwh * 1000:.3g} Wh"
        print(f"  {model['name']}: {quality}; energy {wh} ({energy['status']})")


def _command_run(args: argparse.Namespace) -> int:
    if args.all and args.cases:
        raise InvalidValueError(CASES_AND_ALL_MSG)
    cases = list_cases() if args.all else args.cases
    try:
        results = run_cases(
            cases,
            _run_parameters(args),
            keep_going=args.keep_going,
            runs_root=args.runs_dir,
            kernel_name=args.kernel,
            progress=not args.no_progress,
            timeout=args.timeout,
        )
    except RunFailed as failure:
        for result in failure.results:
            _print_run(result)
        print(f"greennb: error: {failure}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(INTERRUPTED_MSG, file=sys.stderr)
        return 130
    for result in results:
        _print_run(result)
    return 0


def _command_list() -> None:
    cases = list_cases()
    if not cases:
        print("No case notebooks found.")
    for case in cases:
        print(f"{case} ({notebook_path(case).name})")
        table = case_parameters(case)
        table = table[~table["reserved"]].drop(columns="reserved")
        table["type"] = table["type"].fillna("any")
        print("  " + table.to_string(index=False).replace("\n", "\n  "))


def _command_report(args: argparse.Namespace) -> int:
    from greennb.report import MARKDOWN_COLUMNS, collect_runs, write_report

    try:
        out = write_report(args.runs_dir, args.out)
    except ValueError as error:  # an empty store
        print(f"greennb: {error}", file=sys.stderr)
        return 1
    table = collect_runs(args.runs_dir)
    _print_table(table[[c for c in MARKDOWN_COLUMNS if c != "finished_at"]])
    print(f"greennb: report of {len(table)} models written to {out} (report.html, .md, .csv)")
    return 0


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
        elif args.command == "run":
            return _command_run(args)
        elif args.command == "list":
            _command_list()
        elif args.command == "report":
            return _command_report(args)
    except ValueError as error:
        print(f"greennb: error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
