"""Data-parallel (DDP) training of the (64, 32) MLP on covid_testing at 1 and 2 processes.

Run from the repository root, on an otherwise idle machine if you can::

    .venv/bin/python benchmarks/bench_federated_ddp.py
    .venv/bin/python benchmarks/bench_federated_ddp.py --repeats 3 --epochs 5 --backend nccl

It prints, in one run, with the machine load (``os.getloadavg``) before and after, for each
number of processes (``greennb.federated`` ``fit_data_parallel``, batch size 256 as the global
batch, ``--epochs`` epochs, seed 0), the fits alternating (1, 2, 2, 1, ...) over ``--repeats``
rounds so drift hits both:

1. **time**: the median seconds per epoch (the slowest rank's; the first epoch of each fit
   left out as warm-up) and the median wall seconds of the whole parallel section (spawning
   the workers, importing torch in each, the rendezvous, training, collecting the weights);
   the speed-up ``t1 / t2`` and the scaling efficiency ``t1 / (2 · t2)`` of both.
2. **communication**: the bytes one rank hands to AllReduce per epoch (counted by a DDP
   communication hook; the gradients of every parameter, every step) and what a ring
   AllReduce sends per rank, ``2 (N − 1) / N`` of it.
3. **energy**: the parallel section as one tracked phase (CodeCarbon, machine-wide: it cannot
   attribute energy per process), median over the repeats, with its status (measured or
   estimated).
4. **accuracy**: test accuracy and balanced accuracy of each against plain single-process
   ``TorchMLPClassifier.fit`` with the same seed, epochs and global batch, and the largest
   weight difference to it.

Threads: each CPU rank gets ``max(1, threads // N)`` torch threads (``--threads``, default 1,
as torchrun's ``OMP_NUM_THREADS=1``), so with the default both 1 and 2 processes run one
thread per process and the second process adds a core. With ``--threads 2`` one process gets
2 threads and each of two gets 1 (the same cores in total); on a shared 2-core machine two
OpenMP threads per process are much slower than one (spin-waiting for a busy core), which
flatters DDP: compare runs only at the same setting. Each step waits for an AllReduce of the
gradients (~37 kB) through gloo, so communication and synchronisation, not arithmetic, bound
the speed-up of a model this small.

Data: ``load_dataset("covid_testing")``'s features (its identifiers and ``ct_result`` are not
among them), split by subject and preprocessed with ``make_preprocessor`` as in
``bench_privacy_dpsgd.py``; no name or subject id is printed.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
from pathlib import Path

import numpy as np
import torch
from sklearn.metrics import accuracy_score, balanced_accuracy_score

from greennb.federated import fit_data_parallel, scaling_efficiency
from greennb.models import TorchMLPClassifier

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_privacy_dpsgd import data, load  # noqa: E402  (the same data and load line)

COMMON = {"hidden_layer_sizes": (64, 32), "batch_size": 256, "amp": False}
PROCESSES = (1, 2)


def run_all(X, y, args):
    """Results of ``fit_data_parallel`` per number of processes, interleaved over the repeats."""
    # One untimed fit first: it pays CodeCarbon's cold start and the first spawn.
    fit_data_parallel(TorchMLPClassifier(**COMMON), X, y, processes=1, epochs=1)
    results = {n: [] for n in PROCESSES}
    for round_ in range(args.repeats):
        order = PROCESSES if round_ % 2 == 0 else PROCESSES[::-1]
        for n in order:
            result = fit_data_parallel(
                TorchMLPClassifier(**COMMON),
                X,
                y,
                processes=n,
                epochs=args.epochs,
                backend=args.backend,
                seed=0,
            )
            results[n].append(result)
    return results


def summary(runs):
    """Median epoch seconds (warm-up epoch left out), wall seconds and energy (Wh) of runs."""
    epochs = [t for run in runs for t in run.epoch_times_s[1:]]
    energies = [run.energy.energy_kwh for run in runs if run.energy.energy_kwh is not None]
    return {
        "epoch_s": statistics.median(epochs),
        "wall_s": statistics.median(run.wall_s for run in runs),
        "energy_wh": statistics.median(energies) * 1e3 if energies else float("nan"),
        "status": runs[0].energy.status,
    }


def print_time_and_energy(results, args):
    rows = {n: summary(runs) for n, runs in results.items()}
    print(f"\n1. time and 3. energy (medians over {args.repeats} fits of {args.epochs} epochs)")
    print(
        f"   {'processes':>9}{'backend':>8}{'epoch ms':>10}{'wall s':>8}{'energy Wh':>11}  status"
    )
    for n, row in rows.items():
        print(
            f"   {n:>9}{results[n][0].backend:>8}{row['epoch_s'] * 1e3:>10.1f}"
            f"{row['wall_s']:>8.2f}{row['energy_wh']:>11.4f}  {row['status']}"
        )
    for key, label in (("epoch_s", "per epoch"), ("wall_s", "wall (with start-up)")):
        t1, t2 = rows[1][key], rows[2][key]
        print(
            f"   {label:<21} speed-up t1/t2 {t1 / t2:.2f}x, "
            f"scaling efficiency {scaling_efficiency(t1, t2, 2):.2f}"
        )
    ratio = rows[2]["energy_wh"] / rows[1]["energy_wh"]
    print(f"   energy 2 processes / 1 process: {ratio:.2f} (machine-wide estimate)")


def print_communication(results):
    print("\n2. communication (bytes one rank hands to AllReduce; ring sends 2(N-1)/N of it)")
    for n, runs in results.items():
        run = runs[0]
        print(
            f"   {n} process(es): {run.steps // len(run.epoch_times_s)} steps/epoch, "
            f"{run.bytes_per_epoch / 1e6:.3f} MB/epoch all-reduced "
            f"({run.bytes_per_epoch / (run.steps / len(run.epoch_times_s)):.0f} B/step), "
            f"ring sends {run.ring_bytes_sent / len(run.epoch_times_s) / 1e6:.3f} MB/epoch"
        )


def print_accuracy(results, X_train, y_train, X_test, y_test, args):
    plain = TorchMLPClassifier(
        **COMMON, max_epochs=args.epochs, early_stopping=False, random_state=0, device="cpu"
    ).fit(X_train, y_train)
    reference = [p.detach().numpy() for p in plain.module_.parameters()]
    print(f"\n4. accuracy after {args.epochs} epochs (plain fit: the same seed and global batch)")
    models = {"plain fit": plain} | {
        f"DDP {n} proc": runs[0].estimator for n, runs in results.items()
    }
    for name, model in models.items():
        predicted = model.predict(X_test)
        weights = [p.detach().cpu().numpy() for p in model.module_.parameters()]
        difference = max(np.abs(a - b).max() for a, b in zip(weights, reference, strict=True))
        print(
            f"   {name:<12} accuracy {accuracy_score(y_test, predicted):.4f}  "
            f"balanced {balanced_accuracy_score(y_test, predicted):.4f}  "
            f"max |w - w_plain| {difference:.1e}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="interleaved rounds of fits")
    parser.add_argument("--epochs", type=int, default=5, help="epochs per fit (first is warm-up)")
    parser.add_argument("--backend", default="auto", help="auto, gloo or nccl")
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="torch threads of the parent; each of N CPU ranks gets max(1, threads // N)",
    )
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    print(
        f"{platform.processor() or platform.machine()}, torch {torch.__version__}, "
        f"{torch.get_num_threads()} threads in the parent; {load()}"
    )
    X_train, y_train, X_test, y_test = data()
    print(
        f"covid_testing: {len(X_train)} training rows, {len(X_test)} test rows, "
        f"{X_train.shape[1]} features after preprocessing"
    )
    results = run_all(X_train, y_train, args)
    print_time_and_energy(results, args)
    print_communication(results)
    print_accuracy(results, X_train, y_train, X_test, y_test, args)
    print(f"\n{load()}")


if __name__ == "__main__":
    main()
