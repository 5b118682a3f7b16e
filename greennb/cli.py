"""The ``greennb`` command: a thin layer over the library.

Sub-commands
------------
``greennb demo``
    Train a baseline on a shipped dataset inside the energy tracker and print task quality,
    energy (with its measured/estimated flags), CO2e and the social responsibility index
    (:func:`greennb.evaluation.run_demo`).
``greennb datasets``
    The shipped datasets, with task, size, target and sensitive columns.
``greennb countries``
    Grid carbon intensity and renewable share per country (CodeCarbon's data).
``greennb run CASE [CASE ...] [-p NAME VALUE]... [--all]``
    Execute case notebooks with papermill into the run store
    (``papermill_runs/<case>/<timestamp>-<hash>/``), parameters checked first.
``greennb list [CASE ...]``
    The cases and their parameters in 80 columns: an overview (type, default, help), or the
    given cases in full, with allowed values (:func:`greennb.runs.parameters_listing`).
``greennb report``
    Aggregate every finished run into ``papermill_runs/report/`` (CSV, Markdown, HTML).
``greennb compare RUN_A RUN_B``
    Which parameters differ between two runs, and per model in both the quality, R and
    energy of A and B with the change (:func:`greennb.report.compare_runs`).
``greennb explore [--port PORT] [--host HOST] [--open]``
    Serve the explorer over the run store on 127.0.0.1 (Voilà) and print its URL: filters,
    the trade-off views with hover, one run's groups and energy phases
    (:func:`greennb.report.serve_explorer`).
``greennb sweep CASE -g NAME=V1,V2 [-g ...] [--seeds N] [--workers N] [--dask] [--scheduler A]``
    Run a case over a grid of parameters and seeds, resumably, serially or in parallel
    (:func:`greennb.runs.run_sweep`); the record is ``RUNS_DIR/sweeps/<name>/sweep.json``.
``greennb clean [--yes]``
    List (and with ``--yes`` remove) what killed runs left: ``.tmp-*`` run folders and kernel
    IPC folders whose process no longer runs (:func:`greennb.runs.find_leftovers`).

Each command parses its options, makes one call into the library and prints the result; bad
input is one line on stderr and exit status 2; a failed notebook, a missing or corrupted data
file, a folder that cannot be written, exit status 1 (see :func:`main`).
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence

import pandas as pd

from greennb import __version__
from greennb.data import dataset_table, list_datasets
from greennb.energy import DEFAULT_PUE, EnergyResult, Pricing, default_country, list_countries
from greennb.errors import GreennbError, InvalidValueError, SkippedRunWarning
from greennb.evaluation import DEFAULT_DEMO_DATASET, DEFAULT_DEMO_MODEL, DemoOutcome, run_demo
from greennb.models import list_models
from greennb.runs import (
    RunFailed,
    RunResult,
    SweepResult,
    list_cases,
    parameters_listing,
    parse_grid,
    read_parameters_file,
    run_cases,
    run_sweep,
)

RUNS_DIR_HELP = (
    "root of the run store (default: $GREENNB_RUNS_DIR; inside the greennb repository its "
    "papermill_runs/; else ./papermill_runs)"
)
INTERRUPTED_MSG = "greennb: interrupted; a run already started is kept as a *.failed folder."
CASES_AND_ALL_MSG = "give case names or --all, not both."
SWEEP_INTERRUPTED_MSG = (
    "greennb: sweep interrupted; its record {path} is consistent (running points are pending "
    "again, their partial runs kept as *.failed); run the same command to resume."
)
WORKERS_WITH_SCHEDULER_MSG = (
    "--workers starts local workers; with --scheduler the cluster's own workers run the points."
)


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="greennb",
        description="Energy (measured or estimated, labelled so), carbon, fairness of ML models.",
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
    listing = commands.add_parser(
        "list",
        help="list the case notebooks and their parameters",
        description="List the case notebooks (notebooks/NN_<case>.ipynb) and their parameters "
        "as papermill reads the parameters cell, in 80 columns. Without CASE: the parameters "
        "every case shares once, then each case's own, one line each (type, default, help "
        "shortened with '…'). With CASE: every parameter of that case in full, with its help "
        "and the values it allows.",
    )
    listing.add_argument(
        "cases",
        nargs="*",
        metavar="CASE",
        help="show these cases in full: help and allowed values of every parameter",
    )
    report = commands.add_parser(
        "report",
        help="aggregate every finished run into a table and plots",
        description="Aggregate every finished run of the run store into report.csv, report.md "
        "and report.html (interactive and offline: a sortable, filterable table, trade-off "
        "plots with hover, a comparison of two runs), by default in papermill_runs/report/.",
    )
    report.add_argument("--runs-dir", default=None, help=RUNS_DIR_HELP)
    report.add_argument("--out", default=None, help="output folder (default: RUNS_DIR/report)")
    compare = commands.add_parser(
        "compare",
        help="compare two runs: the parameters that differ, and what changed per model",
        description="Compare run B against run A: the parameters that differ, then for each "
        "model in both runs its quality, R and computation energy in A and B with the change; "
        "energy says less or more only beyond the run-to-run noise, else 'no measurable "
        "difference'.",
    )
    compare.add_argument(
        "run_a", metavar="RUN_A", help="run A: <case>/<run folder> (see greennb report) or a path"
    )
    compare.add_argument("run_b", metavar="RUN_B", help="run B, compared against A")
    compare.add_argument("--runs-dir", default=None, help=RUNS_DIR_HELP)
    _add_explore_parser(commands)
    _add_sweep_parser(commands)
    clean = commands.add_parser(
        "clean",
        help="list, or remove with --yes, the folders that killed runs left behind",
        description="List the temporary run folders (RUNS_DIR/<case>/.tmp-*) and the kernels' "
        "IPC folders (greennb-ipc-* in the temporary directory) that runs killed with SIGKILL "
        "left: their process no longer runs, or they have no owner file and have not changed "
        "for a while. Finished runs and *.failed folders are never touched. A dry run unless "
        "--yes is given.",
    )
    clean.add_argument("--runs-dir", default=None, help=RUNS_DIR_HELP)
    clean.add_argument("--yes", action="store_true", help="remove them (default: only list)")
    return parser


def _add_explore_parser(commands) -> None:
    from greennb.report._explore_app import DEFAULT_HOST, DEFAULT_PORT

    explore = commands.add_parser(
        "explore",
        help="serve the explorer over the run store in a local web page (Voila)",
        description="Serve the explorer over the run store on this machine and print its URL: "
        "pick runs by case, dataset, model and parameters; see the trade-off views (quality, "
        "energy, R) with hover; drill into one run's per-group rates and energy phases. It "
        "refreshes by itself when runs land. Ctrl-C stops it.",
    )
    explore.add_argument("--runs-dir", default=None, help=RUNS_DIR_HELP)
    explore.add_argument(
        "--port", type=int, default=DEFAULT_PORT,
        help=f"port to listen on; 0 picks a free one (default: {DEFAULT_PORT})",
    )  # fmt: skip
    explore.add_argument(
        "--host", default=DEFAULT_HOST,
        help=f"address to listen on (default: {DEFAULT_HOST}, this machine only; the page has "
        "no password, so any other address shows the run store to whoever reaches it)",
    )  # fmt: skip
    explore.add_argument(
        "--open", action="store_true", help="open the page in the default web browser"
    )


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
        "type, lists as YAML: -p thresholds '[0.3, 0.6]'; checked against the values the case "
        "allows (greennb list) before anything runs",
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
    from greennb.runs import parse_timeout

    def timeout(text: str) -> float | None:  # argparse shows an ArgumentTypeError's message
        try:
            return parse_timeout(text)
        except InvalidValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    run.add_argument(
        "--timeout",
        type=timeout,
        default=None,
        help="seconds one cell may run, finite and > 0, or 'none' (default: no limit)",
    )


def _add_sweep_parser(commands) -> None:
    sweep = commands.add_parser(
        "sweep",
        help="run a case over a grid of parameters and seeds (resumable, serial or parallel)",
        description="Run a case notebook at every point of a grid of parameters and seeds. "
        "Every point is checked against the case's parameters before anything runs. The "
        "record RUNS_DIR/sweeps/<name>/sweep.json lists each point, its parameter hash, state "
        "(pending, running, done, failed) and run folder. Running the same sweep again skips "
        "the points whose run is in the store (also runs made by greennb run). Serial by "
        "default, so each point's measured energy is its own; points run in parallel on one "
        "machine are flagged 'machine shared: not attributable'. On a batch system, start a "
        "Dask cluster with dask-jobqueue (SLURMCluster, PBSCluster) and pass its --scheduler.",
    )
    sweep.add_argument("case", metavar="CASE", help="case name (see greennb list)")
    sweep.add_argument(
        "-g",
        "--grid",
        action="append",
        default=[],
        metavar="NAME=V1,V2",
        help="a parameter and its values (repeatable): -g constraint=demographic_parity,"
        "equalized_odds; an integer range: -g seed=0..4; commas inside [] or quotes do not "
        "split: -g models='logistic,mlp',logistic",
    )
    sweep.add_argument(
        "--seeds", type=int, default=None, metavar="N", help="also sweep seed over 0..N-1"
    )
    sweep.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="run N points at once on a local process pool (with --dask: a Dask LocalCluster "
        "of N worker processes); default: one after the other",
    )
    sweep.add_argument(
        "--dask",
        action="store_true",
        help="run on Dask distributed: a LocalCluster of --workers processes (default 2); "
        "needs the extra greennb[dask]",
    )
    sweep.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786 (the run store "
        "must be a folder every worker reaches)",
    )
    sweep.add_argument(
        "--dry-run", action="store_true", help="list the points and what would run; run nothing"
    )
    sweep.add_argument(
        "--retry-failed", action="store_true", help="give the points that failed one more try"
    )
    sweep.add_argument(
        "--name",
        default=None,
        help="the sweep's name (default: CASE-<hash of its points>, the same for the same grid)",
    )
    sweep.add_argument("--runs-dir", default=None, help=RUNS_DIR_HELP)
    sweep.add_argument("--kernel", default=None, help="Jupyter kernel (default: python3)")
    sweep.add_argument(
        "--no-progress", action="store_true", help="no line per finished point on stderr"
    )


def _print_energy(result: EnergyResult) -> None:
    print(f"  {result.summary()}")
    if result.status != "measured":
        print(f"    note: {result.reason}")


def _print_demo(outcome: DemoOutcome) -> None:
    data, sri, total = outcome.dataset, outcome.sri, outcome.total
    print(f"greennb demo — {data.name} ({data.task}), model {outcome.model!r}")
    for note in data.notes:  # e.g. rows the dataset's definition leaves out, and why
        print(f"  note: {note}")
    for name, value in outcome.quality.items():
        label, unit = ("accuracy", "") if name == "accuracy" else (name.upper(), data.target_unit)
        print(f"  {label} on the test split: {value:.4g}{' ' + unit if unit else ''}")
    print("Energy (machine level, CodeCarbon, PUE 1):")
    _print_energy(outcome.train)
    _print_energy(outcome.inference)
    pricing, facility = outcome.pricing, outcome.facility
    if facility is None:
        print(f"Facility energy with PUE {pricing.pue:g}: unavailable ({', '.join(total.missing)})")
    else:
        wh = {k: v * 1000 for k, v in facility.to_dict().items() if k.endswith("_kwh")}
        print(
            f"Facility energy with PUE {facility.pue:g}: {wh['total_kwh']:.4g} Wh "
            f"(computation {wh['computation_kwh']:.4g}, cooling {wh['cooling_kwh']:.4g}, "
            f"other data-centre {wh['data_center_kwh']:.4g})"
        )
    grams = "unavailable" if outcome.emissions_g is None else f"{outcome.emissions_g:.4g} g CO2e"
    print(f"Emissions on the {pricing.country} grid: {grams} ({total.status} energy)")
    print("Social responsibility index:")
    print(f"  {sri!r}")


def _print_table(frame: pd.DataFrame) -> None:
    with pd.option_context("display.max_rows", None, "display.width", 200):
        print(frame.to_string(index=False))


def _run_parameters(args: argparse.Namespace) -> dict:
    """Merge the parameters file and the -p pairs (values stay text; the runner converts them)."""
    parameters = read_parameters_file(args.parameters_file) if args.parameters_file else {}
    return {**parameters, **dict(args.parameter)}


def _sri_text(fairness: dict) -> str:
    """Return a recorded model's headline SRI (its first), e.g. ``R 1.09 (demographic_parity)``."""
    if not fairness:
        return "R not recorded"
    label, sri = next(iter(fairness.items()))
    if sri["value"] is None:
        return f"R undefined ({label}: {sri['reason']})"
    notes = [label]
    if sri["meets_bar"] is not None:
        notes.append(f"{'meets' if sri['meets_bar'] else 'below'} the bar B = {sri['bar']:g}")
    if sri.get("lower_bound") is not None:
        notes.append(f"{sri['confidence']:.0%} lower bound {sri['lower_bound']:.3g}")
    return f"R {sri['value']:.3g} ({', '.join(notes)})"


def _print_run(result: RunResult) -> None:
    print(f"greennb: {result.case} finished in {result.wall_s:.1f} s -> {result.path}")
    for model in result.metrics["models"]:
        quality = ", ".join(f"{k} {v:.4g}" for k, v in model["quality"].items())
        energy = model["energy_total"]
        kwh = energy["energy_kwh"]
        wh = "n/a" if kwh is None else f"{kwh * 1000:.3g} Wh"
        sri = _sri_text(model["fairness"])
        print(f"  {model['name']}: {quality}; {sri}; energy {wh} ({energy['status']})")


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


def _print_sweep(result: SweepResult, dry_run: bool) -> None:
    points = result.table()
    _print_table(points.drop(columns=["wall_s"]).fillna(""))
    counts = ", ".join(f"{n} {state}" for state, n in result.counts.items() if n)
    verb = "would run" if dry_run else "ran"
    where = "" if dry_run else f" in {result.wall_s:.1f} s -> {result.path}"
    print(
        f"greennb sweep {result.name} ({result.case}): {len(points)} points ({counts}); "
        f"{verb} {len(result.ran)} ({result.executor['kind']}){where}"
    )
    for entry in result.points:
        if entry["state"] == "failed" and entry["error"]:
            print(f"  point {entry['index']} failed: {entry['error'].splitlines()[0]}")


def _print_seed_table(result: SweepResult) -> None:
    from greennb.report import seed_summary, seed_table_markdown, sweep_runs

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SkippedRunWarning)
        runs, parameters = sweep_runs(result.path, runs_root=result.runs_root)
    if "seed" in parameters and not runs.empty:
        print("Across seeds (mean [95 % t interval]):")
        print(seed_table_markdown(seed_summary(runs, parameters=parameters)))


def _command_sweep(args: argparse.Namespace) -> int:
    if args.scheduler and args.workers is not None:
        raise InvalidValueError(WORKERS_WITH_SCHEDULER_MSG)
    try:
        result = run_sweep(
            args.case,
            parse_grid(args.grid),
            seeds=args.seeds,
            executor="dask" if args.dask or args.scheduler else None,
            workers=args.workers,
            scheduler=args.scheduler,
            name=args.name,
            runs_root=args.runs_dir,
            retry_failed=args.retry_failed,
            dry_run=args.dry_run,
            kernel_name=args.kernel,
            progress=not args.no_progress,
        )
    except KeyboardInterrupt:
        print(SWEEP_INTERRUPTED_MSG.format(path=_sweep_record_path(args)), file=sys.stderr)
        return 130
    _print_sweep(result, args.dry_run)
    if not args.dry_run and result.counts["done"]:
        _print_seed_table(result)
    return 1 if result.failed else 0


def _sweep_record_path(args: argparse.Namespace) -> str:
    name = args.name or "<CASE-hash>"
    return f"{args.runs_dir or 'RUNS_DIR'}/sweeps/{name}/sweep.json"


#: An expected failure, one line on stderr.
ERROR_MSG = "greennb: error: {error}"
#: A file that cannot be read or written (permissions, a read-only or full disk), one line.
OS_ERROR_MSG = "greennb: error: {reason}: {path}"
#: A shipped dataset that ``greennb datasets`` lists but that cannot be loaded.
DATASET_PROBLEM_MSG = "greennb: error: dataset {name!r} is unusable: {problem}"
#: A run that the report left out (its folder and why).
SKIPPED_RUN_LINE = "greennb: warning: {run}"


def _command_datasets() -> int:
    """List the datasets, the unusable ones marked; each one's reason on stderr (exit 1)."""
    table = dataset_table()
    usable = table["problem"].isna()
    status = usable.map({True: "ok", False: "unusable (see below)"})
    _print_table(table.drop(columns=["source", "problem"]).assign(status=status))
    for name, problem in zip(table["name"][~usable], table["problem"][~usable], strict=True):
        print(DATASET_PROBLEM_MSG.format(name=name, problem=problem), file=sys.stderr)
    return 0 if usable.all() else 1


def _command_report(args: argparse.Namespace) -> int:
    from greennb.report import (
        MARKDOWN_COLUMNS,
        SKIPPED_RUNS,
        collect_runs,
        with_ranges,
        write_report,
    )

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SkippedRunWarning)  # printed below, one line each
        table = collect_runs(args.runs_dir)
    skipped = table.attrs[SKIPPED_RUNS]
    for run in skipped:
        print(SKIPPED_RUN_LINE.format(run=run), file=sys.stderr)
    try:
        out = write_report(args.runs_dir, args.out, table=table)
    except InvalidValueError as error:  # an empty store; a report folder linked out of it
        print(f"greennb: {error}", file=sys.stderr)
        return 1
    _print_table(with_ranges(table)[[c for c in MARKDOWN_COLUMNS if c != "finished_at"]])
    left_out = f"; {len(skipped)} runs skipped, listed there" if skipped else ""
    print(
        f"greennb: report of {len(table)} models written to {out} (report.html, .md, .csv)"
        f"{left_out}"
    )
    return 0


def _command_compare(args: argparse.Namespace) -> None:
    from greennb.report import compare_runs

    comparison = compare_runs(args.run_a, args.run_b, runs_root=args.runs_dir)
    print(f"greennb compare: A = {comparison.a}, B = {comparison.b}")
    if comparison.parameters.empty:
        print("Parameters: none differ.")
    else:
        print("Parameters that differ:")
        print("  " + comparison.parameters.to_string(index=False).replace("\n", "\n  "))
    if comparison.models.empty:
        print("Models: none in both runs.")
    else:
        print("Models in both runs (difference = B - A, ratio = B / A, verdict: B's energy):")
        with pd.option_context("display.width", 200, "display.max_rows", None):
            shown = comparison.models.to_string(
                index=False, float_format=lambda v: f"{v:.4g}", na_rep=""
            )
        print("  " + shown.replace("\n", "\n  "))
    for sentence in comparison.energy_sentences:
        print(f"  {sentence}")
    for side, models in (("A", comparison.only_a), ("B", comparison.only_b)):
        if models:
            print(f"Only in {side}: {', '.join(models)}")


def _command_clean(args: argparse.Namespace) -> int:
    from greennb.runs import find_leftovers, remove_leftovers

    leftovers = find_leftovers(args.runs_dir)
    if not leftovers:
        print("greennb: nothing to clean: no folder left by a killed run.")
        return 0
    for leftover in leftovers:
        print(f"  {leftover.path} ({leftover.reason})")
    if not args.yes:
        print(f"greennb: {len(leftovers)} folders would be removed; run greennb clean --yes.")
        return 0
    removed = remove_leftovers(leftovers)
    print(f"greennb: removed {len(removed)} of {len(leftovers)} folders.")
    return 0 if len(removed) == len(leftovers) else 1


def _command_explore(args: argparse.Namespace) -> int:
    from greennb.report import serve_explorer

    return serve_explorer(
        args.runs_dir, host=args.host, port=args.port, open_browser=args.open,
        say=lambda line: print(line, flush=True),
    )  # fmt: skip


def _command(args: argparse.Namespace) -> int:
    """Run the parsed command; return the exit status."""
    if args.command == "demo":
        pricing = Pricing(country=args.country, pue=args.pue)
        _print_demo(
            run_demo(dataset=args.dataset, model=args.model, pricing=pricing, seed=args.seed)
        )
    elif args.command == "datasets":
        return _command_datasets()
    elif args.command == "countries":
        _print_table(list_countries(search=args.search))
    elif args.command == "run":
        return _command_run(args)
    elif args.command == "list":
        print(parameters_listing(args.cases or None))
    elif args.command == "report":
        return _command_report(args)
    elif args.command == "compare":
        _command_compare(args)
    elif args.command == "explore":
        return _command_explore(args)
    elif args.command == "sweep":
        return _command_sweep(args)
    elif args.command == "clean":
        return _command_clean(args)
    return 0


def _os_error_line(error: OSError) -> str:
    """Return a failed file operation as one line: the reason and the path(s) it concerns."""
    paths = [str(path) for path in (error.filename, error.filename2) if path is not None]
    if not (paths and error.strerror):
        return ERROR_MSG.format(error=error)
    return OS_ERROR_MSG.format(reason=error.strerror, path=" -> ".join(paths))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``greennb`` command line; return the exit status.

    Every expected failure is one line on stderr, without a traceback: any
    :class:`~greennb.errors.GreennbError` (exit status 2 for bad input, a ValueError or
    TypeError; 1 otherwise, e.g. a missing or corrupted data file), and any OSError, a file
    that cannot be read or written (a read-only folder, a full disk: exit status 1, the line
    names the path). Anything else is a bug and keeps its traceback.
    """
    args = _build_parser().parse_args(argv)
    try:
        return _command(args)
    except GreennbError as error:
        print(ERROR_MSG.format(error=error), file=sys.stderr)
        return 2 if isinstance(error, ValueError | TypeError) else 1
    except OSError as error:
        print(_os_error_line(error), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
