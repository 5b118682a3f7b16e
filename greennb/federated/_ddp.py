"""Data-parallel training: the same torch MLP trained by N processes with DDP and AllReduce.

:func:`fit_data_parallel` trains a greennb :class:`~greennb.models.TorchMLPClassifier` or
:class:`~greennb.models.TorchMLPRegressor` with ``torch.distributed``'s
``DistributedDataParallel`` over ``processes`` worker processes on this machine (backend gloo
on the CPU, NCCL with one GPU per process). Every rank sees the same seeded row order and
takes its share of every global batch of ``batch_size`` rows; DDP averages the ranks'
gradients by AllReduce, so each step applies the gradient of the whole global batch and the
trained model equals single-process training with the same seed (to float tolerance).
:func:`scaling_efficiency` rates the speed-up.

The workers are started by ``torch.multiprocessing`` (its ``spawn`` keeps the parent in
charge: a failed rank stops the others and its traceback is raised here); the function they
run is in ``_ddp_worker``. Nothing here is hand-written that torch provides: the rendezvous,
the AllReduce and the averaging are torch's; only the byte count (a DDP communication hook
around torch's ``allreduce_hook``) and the sharding of each batch are ours.
"""

from __future__ import annotations

import math
import os
import pickle
import queue as queue_module
import socket
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from greennb._json import to_json_value
from greennb._validation import integer, one_of, positive
from greennb.errors import InvalidTypeError, InvalidValueError, StateError
from greennb.federated._ddp_worker import MASTER_ADDR, WorkerJob, run_worker

BACKENDS = ("auto", "gloo", "nccl")
"""Accepted ``backend`` values; "auto" is nccl when there is a GPU per process, else gloo."""

NOT_A_TORCH_MLP_ERROR = (
    "fit_data_parallel trains a greennb torch MLP; valid types: TorchMLPClassifier, "
    "TorchMLPRegressor; got {type}."
)
TOO_MANY_PROCESSES_ERROR = (
    "processes={processes} is more than this machine can start with backend {backend!r}: "
    "at most {limit} ({what})."
)
NCCL_UNAVAILABLE_ERROR = (
    "backend='nccl' needs CUDA GPUs and a torch built with NCCL; this machine has "
    "{devices} CUDA device(s) (nccl available: {available}). Valid choices here: 'gloo', 'auto'."
)
WORKER_FAILED_ERROR = "Data-parallel training failed in worker rank {rank}:\n{message}"
WORKER_SILENT_ERROR = (
    "Data-parallel training: worker(s) {ranks} exited without reporting (exit codes {codes})."
    " {hint}"
)
START_HINT = (
    "A worker that dies before it reports usually could not start: the 'spawn' start method "
    "re-imports the main module, so run from a file or a notebook (not from stdin) and guard a "
    "script's code with `if __name__ == '__main__':`; the worker's traceback is on stderr."
)
DIVERGED_ERROR = (
    "Data-parallel training diverged: the mean training loss of epoch {epoch} is {loss}. "
    "Lower learning_rate (got {learning_rate}) or standardize the features."
)

_POLL_S = 0.2  # how often the parent checks the workers while it waits for their reports


@dataclass
class DataParallelResult:
    """The outcome of :func:`fit_data_parallel`.

    Attributes
    ----------
    estimator : TorchMLPClassifier or TorchMLPRegressor
        A fitted clone of the estimator passed in, holding rank 0's trained weights in
        ``module_`` (on the CPU); ``predict`` works. Its ``max_epochs``, ``early_stopping``
        (False) and ``random_state`` (the seed) are set to what was trained, so
        ``clone(estimator).fit(X, y)`` is the single-process equivalent.
    processes : int
        Worker processes started (the world size asked for).
    backend : str
        torch.distributed backend used, "gloo" or "nccl".
    ranks_seen : list of int
        The ranks that reported, sorted.
    world_sizes_seen : list of int
        The world size each rank saw, in rank order (all equal to ``processes``).
    epoch_times_s : list of float
        Seconds per epoch, the slowest rank's (the ranks wait for each other every step).
    bytes_allreduced : int
        Bytes of gradients one rank handed to AllReduce over the whole training, counted by
        a DDP communication hook: per step, the total size of the gradients (the sum of the
        parameter sizes in bytes). A ring AllReduce actually sends ``2 (N - 1) / N`` of that
        per rank over the network (see :attr:`ring_bytes_sent`).
    steps : int
        Optimizer steps per rank (global batches).
    wall_s : float
        Wall-clock seconds of the whole parallel section (spawning, importing torch in every
        worker, the rendezvous, training and collecting the weights).
    energy : EnergyResult or None
        The parallel section as one tracked phase ``f"ddp-{processes}proc"`` of the parent
        process; machine-wide (CodeCarbon cannot attribute energy to one process, let alone
        to the workers). None with ``track_energy=False``.
    """

    estimator: Any
    processes: int
    backend: str
    ranks_seen: list[int]
    world_sizes_seen: list[int]
    epoch_times_s: list[float]
    bytes_allreduced: int
    steps: int
    wall_s: float
    energy: Any = None
    loss_curve: list[float] = field(default_factory=list)

    @property
    def bytes_per_epoch(self) -> float:
        """Bytes one rank hands to AllReduce per epoch (:attr:`bytes_allreduced` / epochs)."""
        return self.bytes_allreduced / max(len(self.epoch_times_s), 1)

    @property
    def ring_bytes_sent(self) -> float:
        """Bytes one rank sends over the network in a ring AllReduce: ``2 (N − 1) / N`` × count."""
        return self.bytes_allreduced * 2 * (self.processes - 1) / self.processes

    def to_dict(self) -> dict[str, Any]:
        """Return the figures as JSON-ready values (the estimator as its class name)."""
        return to_json_value(
            {
                "estimator": type(self.estimator).__name__,
                "processes": self.processes,
                "backend": self.backend,
                "ranks_seen": self.ranks_seen,
                "world_sizes_seen": self.world_sizes_seen,
                "epoch_times_s": self.epoch_times_s,
                "bytes_allreduced": self.bytes_allreduced,
                "bytes_per_epoch": self.bytes_per_epoch,
                "ring_bytes_sent": self.ring_bytes_sent,
                "steps": self.steps,
                "wall_s": self.wall_s,
                "loss_curve": self.loss_curve,
                "energy": None if self.energy is None else self.energy.to_dict(),
            }
        )


def scaling_efficiency(t1: float, tn: float, n: int) -> float:
    """Scaling efficiency of ``n`` processes: ``t1 / (n · tn)``.

    1 is perfect scaling (n processes take 1/n of the time); below 1 the processes spend
    part of their time waiting for each other: the AllReduce after every step costs about
    the same whatever the batch, so for a model as small as a (64, 32) MLP on a 2-core CPU
    communication outweighs the compute it spares, and the efficiency is expected to be
    well below 1 (even a speed-up ``t1 / tn`` below 1).

    Parameters
    ----------
    t1 : float > 0
        Time with one process, in seconds (e.g. per epoch).
    tn : float > 0
        Time with ``n`` processes, same unit.
    n : int >= 1
        Number of processes.

    Returns
    -------
    float
        The efficiency (unitless).

    Examples
    --------
    >>> scaling_efficiency(10.0, 6.25, 2)
    0.8
    """
    return positive(t1, name="t1", unit="s") / (
        integer(n, name="n", minimum=1) * positive(tn, name="tn", unit="s")
    )


def fit_data_parallel(
    estimator: Any,
    X: Any,
    y: Any,
    *,
    processes: int = 2,
    epochs: int | None = None,
    backend: str = "auto",
    seed: int = 0,
    track_energy: bool = True,
) -> DataParallelResult:
    """Train a torch MLP with DistributedDataParallel over ``processes`` worker processes.

    Each of the N ranks holds all rows, draws the same seeded row order every epoch and takes
    its contiguous share of every global batch of ``estimator.batch_size`` rows (shares
    differ by at most one row); it scales its summed loss by ``N / |batch|``, and DDP's
    AllReduce average of the ranks' gradients is then the gradient of the batch's mean loss.
    So one step is one step of single-process training on the same global batch, and the
    trained weights equal ``estimator.fit`` with ``random_state=seed``, ``max_epochs=epochs``
    and ``early_stopping=False`` (to float tolerance; the test checks 1e-5).

    What differs from ``fit``: no early stopping or validation split (every row trains,
    exactly ``epochs`` epochs); no sample weights; no epoch callbacks; float32 throughout (no
    AMP, so the gradients all-reduced are 4 bytes per parameter); with dropout the ranks draw
    their masks independently of a single-process run. Each CPU rank uses the parent's torch
    thread count divided by N (at least 1), so N processes use the threads one process would.

    Parameters
    ----------
    estimator : TorchMLPClassifier or TorchMLPRegressor
        Unfitted; its architecture, loss, ``batch_size`` (the global batch, split across the
        ranks), ``learning_rate`` and ``weight_decay`` (AdamW) are used. Not modified.
    X : array-like of shape (n_samples, n_features)
        Numeric, already preprocessed features.
    y : array-like of shape (n_samples,)
        Target.
    processes : int >= 1, default=2
        Worker processes (the world size); at most ``os.cpu_count()`` with gloo, at most the
        number of CUDA devices with nccl.
    epochs : int >= 1, optional
        Passes over the data; default ``estimator.max_epochs``.
    backend : {"auto", "gloo", "nccl"}, default="auto"
        "auto" is "nccl" when ``torch.cuda.device_count() >= processes``, else "gloo".
    seed : int >= 0, default=0
        Seeds the initial weights and every epoch's row order, as ``random_state`` does in
        ``fit``.
    track_energy : bool, default=True
        Measure the parallel section as one phase ``f"ddp-{processes}proc"`` with
        :func:`greennb.energy.track` in this (the parent) process. The figure is machine-wide:
        CodeCarbon cannot attribute energy per process, so the workers' share is not told
        apart from anything else running.

    Returns
    -------
    DataParallelResult
        The fitted estimator, the ranks' reports (world sizes, epoch times, bytes
        all-reduced), the wall time and the energy.

    Raises
    ------
    greennb.errors.InvalidTypeError
        If ``estimator`` is not a greennb torch MLP.
    greennb.errors.InvalidValueError
        For ``processes < 1`` or more processes than the machine can start (the message
        names the limit), an unknown ``backend``, nccl without CUDA, bad ``epochs`` or
        ``seed``, an invalid hyperparameter of the estimator, or a loss that diverged.
    greennb.errors.StateError
        If a worker fails: the message carries the worker's traceback (the other workers
        are stopped; collectives time out after ``COLLECTIVE_TIMEOUT_S`` rather than hang).

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from greennb.models import TorchMLPClassifier
    >>> X, y = make_classification(n_samples=64, n_features=5, random_state=0)
    >>> mlp = TorchMLPClassifier(hidden_layer_sizes=(8,), batch_size=16)
    >>> result = fit_data_parallel(mlp, X, y, processes=1, epochs=2, track_energy=False)
    >>> result.world_sizes_seen, len(result.epoch_times_s)
    ([1], 2)
    """
    fitted = _check_estimator(estimator)
    processes = integer(processes, name="processes", minimum=1)
    backend = _resolve_backend(one_of(backend, BACKENDS, name="backend"), processes)
    epochs = integer(estimator.max_epochs if epochs is None else epochs, name="epochs", minimum=1)
    seed = integer(seed, name="seed", minimum=0)
    fitted.set_params(max_epochs=epochs, early_stopping=False, random_state=seed)
    job = _make_job(fitted, X, y, epochs=epochs, seed=seed, backend=backend, processes=processes)
    started = time.perf_counter()
    if track_energy:
        from greennb.energy import track

        with track(f"ddp-{processes}proc") as tracker:
            reports = _launch(job, processes)
        energy = tracker.result
    else:
        reports, energy = _launch(job, processes), None
    wall_s = time.perf_counter() - started
    return _assemble(fitted, reports, job, processes, wall_s, energy)


def _check_estimator(estimator: Any) -> Any:
    """Return an unfitted clone of a greennb torch MLP whose hyperparameters are valid."""
    from sklearn.base import clone

    from greennb.models import TorchMLPClassifier, TorchMLPRegressor

    if not isinstance(estimator, (TorchMLPClassifier, TorchMLPRegressor)):
        raise InvalidTypeError(NOT_A_TORCH_MLP_ERROR.format(type=type(estimator).__name__))
    fitted = clone(estimator)
    fitted._validate_hyperparameters()  # the estimator's own checks and messages
    return fitted


def _resolve_backend(backend: str, processes: int) -> str:
    """Turn "auto" into gloo or nccl and check the machine can start ``processes`` ranks."""
    import torch
    import torch.distributed as dist

    devices = torch.cuda.device_count()
    if backend == "auto":
        backend = "nccl" if devices >= processes and dist.is_nccl_available() else "gloo"
    if backend == "nccl":
        if devices == 0 or not dist.is_nccl_available():
            raise InvalidValueError(
                NCCL_UNAVAILABLE_ERROR.format(devices=devices, available=dist.is_nccl_available())
            )
        limit, what = devices, "one CUDA device per process"
    else:
        limit, what = os.cpu_count() or 1, "os.cpu_count(), one CPU core per process"
    if processes > limit:
        raise InvalidValueError(
            TOO_MANY_PROCESSES_ERROR.format(
                processes=processes, backend=backend, limit=limit, what=what
            )
        )
    return backend


def _make_job(fitted, X, y, *, epochs, seed, backend, processes) -> WorkerJob:
    """Validate the data, encode the target on ``fitted`` and pack the workers' job."""
    import torch
    from sklearn.base import is_regressor
    from sklearn.utils.validation import validate_data

    X, y = validate_data(
        fitted, X, y, dtype=[np.float32, np.float64], y_numeric=is_regressor(fitted)
    )
    targets, n_outputs = fitted._encode_target(y)
    # The same torch seed as fit(random_state=seed) derives, so processes=1 is fit's run.
    torch_seed = int(np.random.RandomState(seed).randint(np.iinfo(np.int32).max))
    return WorkerJob(
        estimator=fitted,
        X=np.ascontiguousarray(X, dtype=np.float32),
        targets=targets,
        n_outputs=n_outputs,
        epochs=epochs,
        seed=torch_seed,
        backend=backend,
        port=_free_port(),
        threads=max(1, torch.get_num_threads() // processes),
    )


def _free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((MASTER_ADDR, 0))
        return probe.getsockname()[1]


def _launch(job: WorkerJob, processes: int) -> list[dict[str, Any]]:
    """Spawn the ranks, collect one report from each, and turn any failure into one error."""
    import torch.multiprocessing as mp

    with tempfile.TemporaryDirectory(prefix="greennb-ddp-") as folder:
        job_path = os.path.join(folder, "job.pkl")
        with open(job_path, "wb") as file:
            pickle.dump(job, file, protocol=pickle.HIGHEST_PROTOCOL)
        reports_queue = mp.get_context("spawn").Queue()
        context = mp.spawn(
            run_worker, args=(processes, job_path, reports_queue), nprocs=processes, join=False
        )
        return _collect(context, reports_queue, processes)


def _collect(context, reports_queue, processes) -> list[dict[str, Any]]:
    """Wait for one report per rank; stop every worker on the way out."""
    reports: dict[int, dict[str, Any]] = {}
    try:
        while len(reports) < processes:
            try:
                report = reports_queue.get(timeout=_POLL_S)
            except queue_module.Empty:
                _check_workers(context, reports, processes)
                continue
            if "error" in report:
                raise StateError(
                    WORKER_FAILED_ERROR.format(rank=report["rank"], message=report["error"])
                )
            reports[report["rank"]] = report
        while not _join(context, timeout=_POLL_S):
            pass
    finally:
        _stop(context)
    return [reports[rank] for rank in sorted(reports)]


def _check_workers(context, reports, processes) -> None:
    """Raise if a worker died or every worker exited before all reports arrived."""
    if _join(context, timeout=0) and len(reports) < processes:
        missing = sorted(set(range(processes)) - set(reports))
        codes = [context.processes[rank].exitcode for rank in missing]
        raise StateError(WORKER_SILENT_ERROR.format(ranks=missing, codes=codes, hint=START_HINT))


def _join(context, *, timeout: float) -> bool:
    """``context.join``: True once every worker exited; a failed worker becomes a StateError."""
    import torch.multiprocessing as mp

    try:
        return context.join(timeout=timeout)
    except mp.ProcessRaisedException as error:  # its traceback is in the message
        rank, message = error.error_index, str(error)
    except mp.ProcessExitedException as error:  # killed, or died before it could run
        rank, message = error.error_index, f"{error}. {START_HINT}"
    raise StateError(WORKER_FAILED_ERROR.format(rank=rank, message=message))


def _stop(context) -> None:
    """Terminate workers still alive (after a failure), wait for them, remove their error files.

    ``torch.multiprocessing.spawn`` has a failing worker pickle its traceback to a temporary
    "pytorch-errorfile-*.pickle" and never deletes it (torch 2.x); the traceback has reached
    us through the queue or ``join`` by now, so the file goes.
    """
    for process in context.processes:
        if process.is_alive():
            process.terminate()
    for process in context.processes:
        process.join(timeout=5)
    for path in context.error_files:
        if path and os.path.exists(path):
            os.remove(path)


def _assemble(fitted, reports, job, processes, wall_s, energy) -> DataParallelResult:
    """Load rank 0's weights into ``fitted`` and gather the ranks' figures."""
    import torch

    n_samples = job.X.shape[0]
    loss_curve = [
        float(sum(epoch)) / n_samples
        for epoch in zip(*(r["epoch_loss_sums"] for r in reports), strict=True)
    ]
    for epoch, loss in enumerate(loss_curve, start=1):
        if not math.isfinite(loss):
            raise InvalidValueError(
                DIVERGED_ERROR.format(epoch=epoch, loss=loss, learning_rate=fitted.learning_rate)
            )
    with torch.random.fork_rng(devices=[]):  # building a module draws; leave the caller's RNG
        module = fitted._new_module(job.X.shape[1], job.n_outputs, torch.device("cpu"))
    module.load_state_dict({k: torch.as_tensor(v) for k, v in reports[0]["state"].items()})
    module.eval()
    fitted.module_, fitted.device_ = module, "cpu" if job.backend == "gloo" else "cuda"
    fitted.loss_curve_, fitted.validation_loss_curve_ = loss_curve, []
    fitted.n_epochs_ = fitted.best_epoch_ = job.epochs
    return DataParallelResult(
        estimator=fitted,
        processes=processes,
        backend=job.backend,
        ranks_seen=[r["rank"] for r in reports],
        world_sizes_seen=[r["world_size"] for r in reports],
        epoch_times_s=[
            max(times) for times in zip(*(r["epoch_times_s"] for r in reports), strict=True)
        ],
        bytes_allreduced=int(reports[0]["bytes_allreduced"]),
        steps=int(reports[0]["steps"]),
        wall_s=wall_s,
        energy=energy,
        loss_curve=loss_curve,
    )
