"""Fit time of greennb's (64, 32) MLP on the CPU beside scikit-learn's MLPClassifier and skorch.

Run from the repository root, on an otherwise idle machine if you can::

    .venv/bin/python benchmarks/bench_mlp_speed.py
    .venv/bin/python benchmarks/bench_mlp_speed.py --repeats 7 --threads 1 2 --compile
    .venv/bin/python benchmarks/bench_mlp_speed.py --before 22ba463   # greennb at a revision too

Every contender trains the same network on the same rows: hidden layers (64, 32) with ReLU,
one logistic output (binary cross-entropy), Adam at learning rate 1e-3 and no weight decay,
mini-batches of ``--batch-size`` rows reshuffled every epoch, ``--epochs`` epochs, no early
stopping, float32 for the torch models (scikit-learn computes in the dtype of X, float64 here
as ``make_preprocessor`` returns it, which is what a user passing the same array gets):

- ``greennb``: ``TorchMLPClassifier(early_stopping=False, device="cpu", amp=False)`` (AdamW
  with ``weight_decay=0``, which is Adam);
- ``sklearn``: ``MLPClassifier(solver="adam", alpha=0, early_stopping=False, tol=0,
  n_iter_no_change=10**9)``, so that it runs all the epochs (checked through ``n_iter_``);
- ``skorch``: ``NeuralNetBinaryClassifier`` over the same ``torch.nn.Sequential``, with
  ``torch.optim.Adam``, ``train_split=None`` and a shuffled training iterator. skorch is not a
  greennb dependency: install it outside the virtual environment with
  ``pip install --target /tmp/skorch --no-deps skorch==1.4.0 tabulate`` (this script puts
  ``/tmp/skorch`` on ``sys.path`` if it exists) or it is skipped with a message;
- ``greennb+compile`` (``--compile``): greennb with its network wrapped in ``torch.compile``
  (measured here only; not a greennb default, and its numbers may differ in the last bits);
- ``greennb+fused AdamW`` (``--fused``): greennb with ``torch.optim.AdamW(fused=True)``, one
  kernel per parameter instead of about seven (measured here only: its numbers differ from
  the default AdamW's in the last bits, so it is not a greennb default);
- ``greennb@REV`` (``--before REV``): greennb as it was at git revision REV, exported with
  ``git archive`` and run in a child process (one per timed fit, which also does a warm-up
  fit first), beside ``greennb (child)``, the working tree's greennb run the same way, so a
  change and its base are timed alike in the same run.

At each thread count (``torch.set_num_threads`` and ``threadpoolctl.threadpool_limits``, which
covers scikit-learn's BLAS) the contenders alternate in a rotating order over ``--repeats``
rounds, after one warm-up fit each; the script prints the median and minimum fit seconds
(``time.perf_counter`` around ``fit``) and each median's ratio to scikit-learn's (the issue's
target: greennb <= 1.2x). The machine load (``os.getloadavg``) is printed before and after.

Data: ``credit_scoring``'s features preprocessed with ``make_preprocessor`` (27 columns), its
rows stacked ``--copies`` times (4 by default: 17,816 rows x 27, the issue's "18k rows x 27
features"; no shipped dataset has that shape by itself), or ``--dataset hmda`` /
``covid_testing`` (whose identifiers are not among the features; nothing but shapes is
printed).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import torch
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_limits

import greennb as gnb
import greennb.models._training as training  # only to swap in a fused AdamW, with --fused
from greennb.models import TorchMLPClassifier, make_preprocessor

SKORCH_PATH = Path("/tmp/skorch")
HIDDEN = (64, 32)
LEARNING_RATE = 1e-3
ROOT = Path(__file__).resolve().parent.parent


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} on {os.cpu_count()} CPUs"


def data(name, copies):
    """Preprocessed features (float64) and the target of ``name``, rows stacked ``copies`` times."""
    dataset = gnb.load_dataset(name)
    X = make_preprocessor().fit_transform(dataset.X)
    y = dataset.y.to_numpy().astype(str)
    return np.tile(X, (copies, 1)), np.tile(y, copies)


# -- the contenders: each ``make(args, seed)`` returns a function that fits once -------------


def greennb_params(args, seed):
    """The hyperparameters of greennb's contender."""
    return {
        "hidden_layer_sizes": HIDDEN,
        "learning_rate": LEARNING_RATE,
        "batch_size": args.batch_size,
        "max_epochs": args.epochs,
        "early_stopping": False,
        "device": "cpu",
        "amp": False,
        "random_state": seed,
    }


def greennb_fit(args, seed):
    return TorchMLPClassifier(**greennb_params(args, seed)).fit


class CompiledTorchMLPClassifier(TorchMLPClassifier):
    """greennb's classifier with its network wrapped in ``torch.compile`` (benchmark only)."""

    def _new_module(self, n_inputs, n_outputs, device):
        return torch.compile(super()._new_module(n_inputs, n_outputs, device))


def compiled_fit(args, seed):
    return CompiledTorchMLPClassifier(**greennb_params(args, seed)).fit


@contextlib.contextmanager
def fused_adamw():
    """Let greennb's training steps build ``AdamW(fused=True)`` (benchmark only)."""
    original = training.make_optimizer

    def fused(parameters, *, learning_rate, weight_decay):
        return torch.optim.AdamW(
            parameters, lr=learning_rate, weight_decay=weight_decay, fused=True
        )

    training.make_optimizer = fused
    try:
        yield
    finally:
        training.make_optimizer = original


def fused_fit(args, seed):
    model = TorchMLPClassifier(**greennb_params(args, seed))

    def fit(X, y):
        with fused_adamw():
            model.fit(X, y)

    return fit


def sklearn_fit(args, seed):
    model = MLPClassifier(
        hidden_layer_sizes=HIDDEN,
        solver="adam",
        learning_rate_init=LEARNING_RATE,
        alpha=0.0,
        batch_size=args.batch_size,
        max_iter=args.epochs,
        shuffle=True,
        early_stopping=False,
        tol=0.0,
        n_iter_no_change=10**9,
        random_state=seed,
    )

    def fit(X, y):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)  # it stops at max_iter, as asked
            model.fit(X, y)
        assert model.n_iter_ == args.epochs, model.n_iter_

    return fit


def skorch_fit(args, seed):
    from skorch import NeuralNetBinaryClassifier

    from greennb.models import build_mlp

    torch.manual_seed(seed)
    net = NeuralNetBinaryClassifier(
        build_mlp(args.n_features, 1, hidden_layer_sizes=HIDDEN, activation="relu", dropout=0.0),
        optimizer=torch.optim.Adam,
        lr=LEARNING_RATE,
        batch_size=args.batch_size,
        max_epochs=args.epochs,
        train_split=None,
        iterator_train__shuffle=True,
        device="cpu",
        verbose=0,
    )
    return lambda X, y: net.fit(X.astype(np.float32), (y == np.unique(y)[1]).astype(np.float32))


def skorch_available():
    if SKORCH_PATH.is_dir() and str(SKORCH_PATH) not in sys.path:
        sys.path.append(str(SKORCH_PATH))
    try:
        import skorch  # noqa: F401
    except ImportError as error:
        print(f"skorch skipped: {error} (pip install --target {SKORCH_PATH} --no-deps skorch)")
        return False
    return True


# -- greennb in a child process: the working tree's and a revision's, timed alike -------------


def export_revision(revision, folder):
    """Write the ``greennb`` package as it was at ``revision`` under ``folder``."""
    folder.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision, "greennb"], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)


def child_fit(args, threads, seed, folder):
    """Seconds of one greennb fit in a child process importing greennb from ``folder``."""
    command = [sys.executable, __file__, "--child", str(threads), str(seed), args.rows]
    command += ["--epochs", str(args.epochs), "--batch-size", str(args.batch_size)]
    env = {**os.environ, "PYTHONPATH": str(folder)}
    output = subprocess.run(command, check=True, capture_output=True, text=True, env=env).stdout
    return json.loads(output.strip().splitlines()[-1])["seconds"]


def run_child(args):
    """``--child THREADS SEED ROWS``: a warm-up fit, then print the seconds of one timed fit.

    The rows come from the ``.npz`` file ROWS (the exported package has no data files).
    """
    threads, seed, rows = args.child
    torch.set_num_threads(int(threads))
    arrays = np.load(rows)
    X, y = arrays["X"], arrays["y"]
    greennb_fit(argparse.Namespace(**{**vars(args), "epochs": 1}), int(seed))(X, y)
    fit = greennb_fit(args, int(seed))
    start = time.perf_counter()
    fit(X, y)
    print(json.dumps({"seconds": time.perf_counter() - start}))


# -- timing ------------------------------------------------------------------------------------


def time_contenders(contenders, X, y, threads, args):
    """Fit seconds of each contender at ``threads`` threads, interleaved over the repeats."""
    seconds = {name: [] for name in contenders}
    torch.set_num_threads(threads)
    with threadpool_limits(limits=threads):
        for make in contenders.values():  # warm-up: imports, allocator, first kernels
            if callable(make):
                make(argparse.Namespace(**{**vars(args), "epochs": 1}), 0)(X, y)
        names = list(contenders)
        for round_ in range(args.repeats):
            shift = round_ % len(names)
            for name in names[shift:] + names[:shift]:
                if not callable(contenders[name]):  # a folder holding the greennb to import
                    seconds[name].append(child_fit(args, threads, round_, contenders[name]))
                    continue
                fit = contenders[name](args, round_)
                start = time.perf_counter()
                fit(X, y)
                seconds[name].append(time.perf_counter() - start)
    return seconds


def print_table(threads, seconds, args):
    reference = statistics.median(seconds["sklearn"])
    print(f"\n{threads} thread(s), median and min of {args.repeats} fits of {args.epochs} epochs")
    print(f"   {'contender':<22}{'median s':>10}{'min s':>9}{'/ sklearn':>11}")
    for name, values in seconds.items():
        median = statistics.median(values)
        print(f"   {name:<22}{median:>10.3f}{min(values):>9.3f}{median / reference:>10.2f}x")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--repeats", type=int, default=5, help="interleaved timed fits per contender"
    )
    parser.add_argument(
        "--threads", type=int, nargs="+", default=[1, 2], help="thread counts to measure at"
    )
    parser.add_argument("--epochs", type=int, default=20, help="epochs per fit")
    parser.add_argument("--batch-size", type=int, default=256, help="rows per mini-batch")
    parser.add_argument(
        "--dataset",
        default="credit_scoring",
        choices=["credit_scoring", "hmda", "covid_testing"],
        help="shipped dataset whose preprocessed features are used",
    )
    parser.add_argument(
        "--copies", type=int, default=4, help="times the dataset's rows are stacked (4: 17,816)"
    )
    parser.add_argument(
        "--compile", action="store_true", help="also time greennb with torch.compile"
    )
    parser.add_argument(
        "--fused", action="store_true", help="also time greennb with AdamW(fused=True)"
    )
    parser.add_argument(
        "--before", metavar="REV", help="also time greennb at this git revision (child process)"
    )
    parser.add_argument(
        "--child", nargs=3, metavar=("THREADS", "SEED", "ROWS"), help=argparse.SUPPRESS
    )
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    if args.child:
        run_child(args)
        return
    print(
        f"{platform.processor() or platform.machine()}, Python {platform.python_version()}, "
        f"torch {torch.__version__}; {load()}"
    )
    X, y = data(args.dataset, args.copies)
    args.n_features = X.shape[1]
    print(
        f"{args.dataset} x {args.copies}: {X.shape[0]} rows x {X.shape[1]} features, "
        f"batch {args.batch_size}, {args.epochs} epochs, hidden {HIDDEN}"
    )
    contenders = {"greennb": greennb_fit, "sklearn": sklearn_fit}
    if skorch_available():
        contenders["skorch"] = skorch_fit
    if args.compile:
        contenders["greennb+compile"] = compiled_fit
    if args.fused:
        contenders["greennb+fused AdamW"] = fused_fit
    with tempfile.TemporaryDirectory() as folder:
        if args.before:
            args.rows = str(Path(folder) / "rows.npz")
            np.savez(args.rows, X=X, y=y)
            export_revision(args.before, Path(folder) / "revision")
            contenders["greennb (child)"] = ROOT  # the working tree, timed like the revision
            contenders[f"greennb@{args.before}"] = Path(folder) / "revision"
        for threads in args.threads:
            print_table(threads, time_contenders(contenders, X, y, threads, args), args)
    print(f"\n{load()}")


if __name__ == "__main__":
    main()
