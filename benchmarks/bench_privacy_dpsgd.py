"""DP-SGD (Opacus) against plain training of the (64, 32) MLP on covid_testing: epoch time, quality.

Run from the repository root, on an otherwise idle machine if you can::

    .venv/bin/python benchmarks/bench_privacy_dpsgd.py
    .venv/bin/python benchmarks/bench_privacy_dpsgd.py --repeats 7 --epochs 20 --device cuda

It prints, in one run, with the machine load (``os.getloadavg``) before and after:

1. **epoch time**: ``TorchMLPClassifier`` and ``DPMLPClassifier`` (noise multiplier 1.0, clipping
   norm 1.0), both with hidden layers (64, 32), batch size 256, ``amp=False``, no early
   stopping, on the same preprocessed training rows; each fit runs ``--timed-epochs`` epochs
   and an epoch callback times each one (``time.perf_counter``, after a device synchronisation
   on CUDA); the first epoch of each fit is left out (warm-up). The fits alternate (plain, DP,
   DP, plain, ...) over ``--repeats`` rounds so drift hits both; it prints the median epoch
   time of each and their ratio (target <= 2x; Opacus reports about 1.6x on MNIST).
2. **accuracy at ε ∈ {0.5, 1, 3, 8} and without privacy**: each trained ``--epochs`` epochs
   (same seed, δ = 1e-5, the default for 11k training rows): test accuracy, balanced
   accuracy and ROC AUC (the positive class is 5.7 % of the rows, so accuracy alone hides
   a model that always says "negative"), the ε the accountant reports and the fit seconds.

Data: ``greennb.load_dataset("covid_testing")``'s features (its identifiers and ``ct_result``,
which encodes the result, are not among them), target ``result``, split by
``split_dataset(groups="subject_id")`` so no subject sits on both sides, preprocessed once
with ``make_preprocessor`` fitted on the training part. No name or subject id is printed.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import numpy as np
import torch
from sklearn.metrics import accuracy_score, balanced_accuracy_score, roc_auc_score

import greennb as gnb
from greennb.data import split_dataset
from greennb.models import EpochCallback, TorchMLPClassifier, make_preprocessor
from greennb.privacy import DPMLPClassifier

EPSILONS = (0.5, 1.0, 3.0, 8.0)
COMMON = {"hidden_layer_sizes": (64, 32), "batch_size": 256, "amp": False}


class EpochTimer(EpochCallback):
    """Wall time of each epoch, in seconds (synchronising CUDA at both ends)."""

    def __init__(self):
        self.seconds = []

    def _now(self, estimator):
        if estimator.device_.startswith("cuda"):
            torch.cuda.synchronize()
        return time.perf_counter()

    def on_epoch_begin(self, estimator, epoch):
        self.start = self._now(estimator)

    def on_epoch_end(self, estimator, epoch, logs):
        self.seconds.append(self._now(estimator) - self.start)


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} on {os.cpu_count()} CPUs"


def data():
    """Preprocessed (X_train, y_train, X_test, y_test) of covid_testing, grouped by subject."""
    dataset = gnb.load_dataset("covid_testing")
    split = split_dataset(dataset, test_size=0.25, random_state=0, groups="subject_id")
    preprocessor = make_preprocessor().fit(split.X_train)
    return (
        preprocessor.transform(split.X_train),
        split.y_train.to_numpy(),
        preprocessor.transform(split.X_test),
        split.y_test.to_numpy(),
    )


def plain(device, epochs, seed, callbacks=None):
    return TorchMLPClassifier(
        **COMMON,
        max_epochs=epochs,
        early_stopping=False,
        device=device,
        random_state=seed,
        callbacks=callbacks,
    )


def private(device, epochs, seed, callbacks=None, **privacy):
    privacy = privacy or {"target_epsilon": None, "noise_multiplier": 1.0}
    return DPMLPClassifier(
        **COMMON,
        **privacy,
        max_epochs=epochs,
        device=device,
        random_state=seed,
        callbacks=callbacks,
    )


def epoch_times(X, y, args):
    """Median epoch seconds of the plain and the DP fit, interleaved over the repeats."""
    seconds = {"plain": [], "DP-SGD": []}
    build = {"plain": plain, "DP-SGD": private}
    for round_ in range(args.repeats):
        order = ["plain", "DP-SGD"] if round_ % 2 == 0 else ["DP-SGD", "plain"]
        for name in order:
            timer = EpochTimer()
            build[name](args.device, args.timed_epochs, round_, [timer]).fit(X, y)
            seconds[name] += timer.seconds[1:]
    return {name: statistics.median(values) for name, values in seconds.items()}


def scores(model, X_test, y_test):
    """Accuracy, balanced accuracy and ROC AUC (of the probability of "positive") on the test."""
    predicted = model.predict(X_test)
    positive = model.predict_proba(X_test)[:, list(model.classes_).index("positive")]
    return (
        accuracy_score(y_test, predicted),
        balanced_accuracy_score(y_test, predicted),
        roc_auc_score(y_test == "positive", positive),
    )


def print_epoch_times(median, args):
    ratio = median["DP-SGD"] / median["plain"]
    print(f"\n1. epoch time (median of {args.repeats} x {args.timed_epochs - 1} epochs)")
    print(
        f"   plain {median['plain'] * 1e3:8.1f} ms   DP-SGD {median['DP-SGD'] * 1e3:8.1f} ms"
        f"   ratio {ratio:.2f}x (target <= 2x)"
    )


def print_quality(X_train, y_train, X_test, y_test, args):
    majority = max(np.mean(y_test == "positive"), np.mean(y_test != "positive"))
    print(f"\n2. quality after {args.epochs} epochs (majority-class accuracy {majority:.3f})")
    header = f"{'model':<14}{'epsilon':>9}{'accuracy':>10}{'balanced':>10}{'ROC AUC':>9}"
    print(f"   {header}{'fit s':>8}")
    for epsilon in (*EPSILONS, None):
        start = time.perf_counter()
        if epsilon is None:
            model = plain(args.device, args.epochs, 0).fit(X_train, y_train)
            name, spent = "non-private", "inf"
        else:
            model = private(args.device, args.epochs, 0, target_epsilon=epsilon)
            model.fit(X_train, y_train)
            name, spent = "DP-SGD", f"{model.privacy_['epsilon']:.3f}"
        accuracy, balanced, auc = scores(model, X_test, y_test)
        seconds = time.perf_counter() - start
        print(
            f"   {name:<14}{spent:>9}{accuracy:>10.3f}{balanced:>10.3f}{auc:>9.3f}{seconds:>8.1f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="interleaved timing rounds")
    parser.add_argument(
        "--timed-epochs", type=int, default=4, help="epochs per timed fit (first one left out)"
    )
    parser.add_argument("--epochs", type=int, default=10, help="epochs of the accuracy fits")
    parser.add_argument("--device", default="cpu", help="torch device: cpu or cuda")
    args = parser.parse_args()

    print(
        f"{platform.processor() or platform.machine()}, torch {torch.__version__}, "
        f"{torch.get_num_threads()} threads, device {args.device}; {load()}"
    )
    X_train, y_train, X_test, y_test = data()
    print(
        f"covid_testing: {len(X_train)} training rows, {len(X_test)} test rows, "
        f"{X_train.shape[1]} features after preprocessing"
    )

    print_epoch_times(epoch_times(X_train, y_train, args), args)
    print_quality(X_train, y_train, X_test, y_test, args)
    print(f"\n{load()}")


if __name__ == "__main__":
    main()
