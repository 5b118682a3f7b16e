"""One rank of data-parallel training: the function each spawned worker process runs.

:func:`run_worker` lives in its own module because ``torch.multiprocessing`` starts workers
with the "spawn" method: a new interpreter imports the function by its module path, so the
function must be importable (not defined in a notebook or a test). Everything the worker
needs is one :class:`WorkerJob`, pickled by the parent to a temporary file whose path is all
that travels through the spawn pipe (a large job in the pipe blocks the parent for good when
a worker dies before reading it); everything a worker reports goes back through a queue as a
plain dict (numpy arrays, numbers), so no torch tensor crosses a process boundary.

The loop mirrors :func:`greennb.models.train_epochs` without early stopping: one
``randperm`` of the rows per epoch from a generator seeded with the job's seed, global
batches of ``batch_size`` rows in that order, one AdamW step per batch. The only difference
is that each rank takes its contiguous share of every global batch (``torch.tensor_split``,
shares differ by at most one row) and scales its summed loss so that DistributedDataParallel's
average of the ranks' gradients is exactly the gradient of the global batch's mean loss.
"""

from __future__ import annotations

import datetime
import os
import pickle
import time
import traceback
from dataclasses import dataclass
from typing import Any

import numpy as np

MASTER_ADDR = "127.0.0.1"
"""The rendezvous address: every rank runs on this machine."""

COLLECTIVE_TIMEOUT_S = 120.0
"""Seconds a rank waits in the rendezvous or one collective before it fails (not hangs)."""


@dataclass(frozen=True)
class WorkerJob:
    """What every rank receives (pickled once per worker by ``torch.multiprocessing``).

    Attributes
    ----------
    estimator : TorchMLPClassifier or TorchMLPRegressor
        Unfitted; gives the architecture (``_new_module``), the loss (``_loss_per_sample``),
        ``batch_size`` (the global batch), ``learning_rate`` and ``weight_decay``.
    X : numpy.ndarray of float32, shape (n_samples, n_features)
        All rows; every rank holds them and trains on its share of each batch.
    targets : numpy.ndarray, shape (n_samples,)
        Encoded targets (class indices, or the standardized regression target).
    n_outputs : int
        Width of the output layer.
    epochs : int
        Passes over the rows.
    seed : int
        Seeds weight initialisation and the row order of every epoch (same on every rank).
    backend : {"gloo", "nccl"}
        torch.distributed backend; nccl puts rank r on ``cuda:r``.
    port : int
        Free TCP port on :data:`MASTER_ADDR` for the rendezvous.
    threads : int
        torch intra-op threads per rank (the parent's threads shared among the ranks).
    """

    estimator: Any
    X: np.ndarray
    targets: np.ndarray
    n_outputs: int
    epochs: int
    seed: int
    backend: str
    port: int
    threads: int


def run_worker(rank: int, world_size: int, job_path: str, queue: Any) -> None:
    """Train rank ``rank`` of ``world_size`` and put its report (or its error) on ``queue``.

    Parameters
    ----------
    rank : int
        This process's rank, 0 ≤ rank < world_size (``torch.multiprocessing.spawn`` passes it).
    world_size : int
        Number of ranks.
    job_path : str
        File holding the pickled :class:`WorkerJob`, the same for every rank.
    queue : multiprocessing.Queue
        Receives one dict: ``{"rank", "world_size", "epoch_times_s", "epoch_loss_sums",
        "bytes_allreduced", "steps", "state"}`` (``state``, the trained weights as numpy
        arrays, from rank 0 only), or ``{"rank", "error"}`` with the traceback on failure.

    Raises
    ------
    Exception
        The failure itself is re-raised after it is reported, so the process exits non-zero
        and ``torch.multiprocessing`` stops the other ranks.
    """
    import torch.distributed as dist

    try:
        with open(job_path, "rb") as file:
            job = pickle.load(file)  # written by this package's parent process, a moment ago
        os.environ["MASTER_ADDR"] = MASTER_ADDR
        os.environ["MASTER_PORT"] = str(job.port)
        dist.init_process_group(
            job.backend,
            rank=rank,
            world_size=world_size,
            timeout=datetime.timedelta(seconds=COLLECTIVE_TIMEOUT_S),
        )
        try:
            queue.put(_train_rank(rank, world_size, job))
        finally:
            dist.destroy_process_group()
    except Exception:
        queue.put({"rank": rank, "error": traceback.format_exc()})
        raise


class _ByteCount:
    """Bytes this rank handed to AllReduce so far (the state of :func:`_count_and_allreduce`)."""

    def __init__(self):
        self.bytes = 0


def _count_and_allreduce(state: _ByteCount, bucket):  # DDP rejects other annotations
    """DDP communication hook: count a gradient bucket's bytes, then all-reduce it as DDP does.

    The count is what this rank hands to AllReduce (the gradient buffer); a ring AllReduce
    sends about ``2 (N - 1) / N`` of it per rank over the network.
    """
    from torch.distributed.algorithms.ddp_comm_hooks import default_hooks

    buffer = bucket.buffer()
    state.bytes += buffer.numel() * buffer.element_size()
    return default_hooks.allreduce_hook(None, bucket)  # torch's own averaging AllReduce


def _train_rank(rank: int, world_size: int, job: WorkerJob) -> dict[str, Any]:
    """Build the DDP model, run the epochs and return this rank's report."""
    import torch
    from torch.nn.parallel import DistributedDataParallel

    from greennb.models import make_optimizer

    torch.set_num_threads(job.threads)
    if job.backend == "nccl":
        torch.cuda.set_device(rank)
        device = torch.device("cuda", rank)
    else:
        device = torch.device("cpu")
    torch.manual_seed(job.seed)  # the same initial weights on every rank, as in fit
    module = job.estimator._new_module(job.X.shape[1], job.n_outputs, device)
    model = DistributedDataParallel(module, device_ids=[rank] if device.type == "cuda" else None)
    counter = _ByteCount()
    model.register_comm_hook(counter, _count_and_allreduce)
    optimizer = make_optimizer(
        model.parameters(),
        learning_rate=job.estimator.learning_rate,
        weight_decay=job.estimator.weight_decay,
    )
    X = torch.as_tensor(job.X, device=device)
    targets = torch.as_tensor(job.targets, device=device)
    generator = torch.Generator().manual_seed(job.seed)
    epoch_times, loss_sums, steps = [], [], 0
    for _ in range(job.epochs):
        started = time.perf_counter()
        loss_sum, n_steps = _train_epoch(
            model, optimizer, job.estimator, (X, targets), generator, rank, world_size
        )
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        epoch_times.append(time.perf_counter() - started)
        loss_sums.append(loss_sum)
        steps += n_steps
    report = {
        "rank": rank,
        "world_size": world_size,
        "epoch_times_s": epoch_times,
        "epoch_loss_sums": loss_sums,
        "bytes_allreduced": counter.bytes,
        "steps": steps,
    }
    if rank == 0:
        report["state"] = {k: v.detach().cpu().numpy() for k, v in module.state_dict().items()}
    return report


def _train_epoch(model, optimizer, estimator, tensors, generator, rank, world_size):
    """One pass over the rows; return (sum of this rank's per-sample losses, steps)."""
    import torch

    X, targets = tensors
    n_samples = X.shape[0]
    batch_size = estimator.batch_size
    order = torch.randperm(n_samples, generator=generator).to(X.device)
    model.train()
    total = torch.zeros((), device=X.device)
    n_steps = 0
    for start in range(0, n_samples, batch_size):
        batch = order[start : start + batch_size]
        share = torch.tensor_split(batch, world_size)[rank]  # may be empty for a short batch
        optimizer.zero_grad(set_to_none=True)
        losses = estimator._loss_per_sample(model(X[share]).float(), targets[share])
        summed = losses.sum()
        # DDP averages the ranks' gradients (divides their sum by N), so scaling each rank's
        # summed loss by N / |batch| makes the average the gradient of the batch's mean loss.
        (summed * (world_size / len(batch))).backward()
        optimizer.step()
        total += summed.detach()
        n_steps += 1
    return float(total), n_steps
