"""FedAvg on covid_testing: 10 clinic sites × 20 rounds, its wall time and federation overhead.

Run from the repository root, on an otherwise idle machine if you can::

    .venv/bin/python benchmarks/bench_federated_fedavg.py
    .venv/bin/python benchmarks/bench_federated_fedavg.py --rounds 20 --repeats 3

It prints, in one run, with the machine load (``os.getloadavg``) before and after:

1. **FedAvg** of a (64, 32) ``TorchMLPClassifier`` over the 10 sites of
   ``covid_sites(train, n_sites=10)`` (the 9 largest clinics and "other clinics"), every client
   each round (client fraction 1), one local epoch, batch 256, energy tracked per client phase:
   the wall time of ``fit_federated`` (target ≤ 30 s) and the **federation overhead**, everything
   but the clients' local training (selection, copying the weights, serialization and bytes,
   compression, aggregation, energy tracking), as a share of the wall time (target ≤ 10 %).
   The overhead is the wall time minus the sum of the clients' local training durations; the
   aggregation time and the energy tracking's share (the same run without tracking) are shown
   beside it. CodeCarbon's cold start (about 1.4 s, paid once per process) is paid before the
   timing by one tracked warm-up phase, as a notebook pays it in its first tracked cell.
2. **Centralized** training of the same network on the pooled training rows for as many epochs
   (20, no early stopping, same seed): its time and accuracy beside FedAvg's.

Features: covid_testing's feature columns (no names or subject ids, no ``ct_result``),
preprocessed with ``make_preprocessor`` fitted on the pooled training rows. No identifier is
loaded into the benchmark's tables or printed; clinic names name hospital units.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
import warnings

import numpy as np
import torch

from greennb.data import load_dataset, split_dataset
from greennb.energy import track
from greennb.errors import GreennbWarning
from greennb.federated import FederatedConfig, covid_sites, fit_federated
from greennb.models import TorchMLPClassifier, make_preprocessor

HIDDEN = (64, 32)
BATCH_SIZE = 256


def _data():
    dataset = load_dataset("covid_testing")
    with warnings.catch_warnings():  # the split's note on merged tiny strata
        warnings.simplefilter("ignore", GreennbWarning)
        split = split_dataset(dataset, test_size=0.25, random_state=0)
    preprocessor = make_preprocessor().fit(split.X_train)
    X_train = preprocessor.transform(split.X_train).astype(np.float32)
    X_test = preprocessor.transform(split.X_test).astype(np.float32)
    partition = covid_sites(split.train, n_sites=10)
    return X_train, split.y_train.to_numpy(), X_test, split.y_test.to_numpy(), partition, split


def _estimator(**params):
    return TorchMLPClassifier(
        hidden_layer_sizes=HIDDEN, batch_size=BATCH_SIZE, device="cpu", **params
    )


def _federated(data, rounds, track_energy):
    X_train, y_train, X_test, y_test, partition, _ = data
    config = FederatedConfig(rounds=rounds, local_epochs=1, client_fraction=1.0, seed=0)
    start = time.perf_counter()
    result = fit_federated(
        _estimator(), X_train, y_train, partition, config, track_energy=track_energy
    )
    wall = time.perf_counter() - start
    local = float(result.per_client["duration_s"].sum())
    aggregation = float(result.history["aggregation_s"].sum())
    accuracy = float((result.estimator.predict(X_test) == y_test).mean())
    return {"wall": wall, "local": local, "aggregation": aggregation, "accuracy": accuracy,
            "result": result}  # fmt: skip


def _centralized(data, epochs):
    X_train, y_train, X_test, y_test, _, _ = data
    model = _estimator(early_stopping=False, max_epochs=epochs, random_state=0)
    start = time.perf_counter()
    model.fit(X_train, y_train)
    wall = time.perf_counter() - start
    return {"wall": wall, "accuracy": float((model.predict(X_test) == y_test).mean())}


def _median(runs, key):
    return statistics.median(run[key] for run in runs)


def main() -> None:
    """Run the benchmark and print the figures side by side."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20, help="FedAvg rounds (and epochs)")
    parser.add_argument("--repeats", type=int, default=3, help="repeats; medians are printed")
    parser.add_argument(
        "--threads", type=int, default=None, help="torch threads (default: torch's own choice)"
    )
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)

    print(f"python {platform.python_version()}, torch {torch.__version__}, "
          f"{torch.get_num_threads()} torch threads, load before {os.getloadavg()}")  # fmt: skip
    data = _data()
    partition, X_train = data[4], data[0]
    print(f"covid_testing: {X_train.shape[0]} training rows × {X_train.shape[1]} features, "
          f"{data[2].shape[0]} test rows; {partition.description}")  # fmt: skip
    with track("warm-up"):  # CodeCarbon's cold start, paid once per process
        pass

    tracked = [_federated(data, args.rounds, True) for _ in range(args.repeats)]
    untracked = [_federated(data, args.rounds, False) for _ in range(args.repeats)]
    central = [_centralized(data, args.rounds) for _ in range(args.repeats)]

    wall, local = _median(tracked, "wall"), _median(tracked, "local")
    overhead = statistics.median(run["wall"] - run["local"] for run in tracked)
    untracked_overhead = statistics.median(run["wall"] - run["local"] for run in untracked)
    summary = tracked[0]["result"].to_dict()
    print(f"\nFedAvg, {len(partition.sites)} clients × {args.rounds} rounds, 1 local epoch "
          f"(medians of {args.repeats}):")  # fmt: skip
    print(f"  wall time            {wall:7.2f} s   (target ≤ 30 s)")
    print(f"  local training       {local:7.2f} s")
    print(f"  federation overhead  {overhead:7.2f} s = {overhead / wall:6.1%} of the wall time "
          f"(target ≤ 10 %)")  # fmt: skip
    print(f"    aggregation        {_median(tracked, 'aggregation'):7.3f} s")
    print(f"    without tracking   {untracked_overhead:7.2f} s = "
          f"{untracked_overhead / _median(untracked, 'wall'):6.1%} of its wall time "
          f"({_median(untracked, 'wall'):.2f} s)")  # fmt: skip
    print(f"  bytes sent           {summary['bytes_total_mb']:7.2f} MB "
          f"(up {summary['bytes_up_mb']:.2f}, down {summary['bytes_down_mb']:.2f})")  # fmt: skip
    print(f"  energy (clients)     {summary['energy_kwh']} kWh")
    print(f"  test accuracy        {_median(tracked, 'accuracy'):7.4f}")
    central_wall = _median(central, "wall")
    print(f"\nCentralized, {args.rounds} epochs on the pooled rows:")
    print(f"  wall time            {central_wall:7.2f} s   (FedAvg / centralized: "
          f"{wall / central_wall:.2f}x)")  # fmt: skip
    print(f"  test accuracy        {_median(central, 'accuracy'):7.4f}")
    print(f"\nload after {os.getloadavg()}")


if __name__ == "__main__":
    main()
