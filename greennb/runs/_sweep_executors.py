"""Where a sweep's points run: serially here, on a local process pool, or on Dask distributed.

Every executor runs :func:`~greennb.runs._sweep_point.run_point`, each point in its own papermill
kernel, and hands at most :attr:`slots` points out at once (so a point starts when it is handed
out, which :mod:`~greennb.runs._sweep_shared` relies on):

- :class:`SerialExecutor` (the default): one point after the other in this process, so that
  each point's measured energy is its own;
- :class:`PoolExecutor`: ``workers`` worker processes (:class:`concurrent.futures.
  ProcessPoolExecutor`, started with ``spawn``: a fork of a process holding ZeroMQ and BLAS
  threads is unsafe). papermill is process-safe but not thread-safe, so each worker runs one
  point at a time;
- :class:`DaskExecutor`: Dask distributed, for more than one machine. ``scheduler`` connects to
  a running cluster (``tcp://HOST:PORT``; dask-jobqueue's ``SLURMCluster`` / ``PBSCluster`` give
  one on a batch system, https://jobqueue.dask.org), else a ``LocalCluster`` of ``workers``
  worker processes with one thread each (``processes=True, threads_per_worker=1``: one point per
  process at a time, as papermill needs). Workers find the notebooks the package ships (or
  ``$GREENNB_NOTEBOOKS_DIR``) and write into the run store given to the sweep, which must be a
  folder every worker reaches (a shared file system). Dask is the optional extra
  ``greennb[dask]``; without it the error says so.

Interrupted (Ctrl-C, SIGTERM), the pool's workers get SIGTERM, which :func:`~greennb.runs.
run_case` turns into a ``.failed`` folder; a ``LocalCluster`` is closed (its workers' kernels
exit with their parent); on a remote cluster the running points are cancelled.
"""

from __future__ import annotations

import concurrent.futures
import logging
import multiprocessing
import signal
from collections.abc import Iterable
from typing import Any

from greennb.errors import InvalidValueError, MissingDependencyError
from greennb.runs._sweep_point import PointTask, run_point

#: The executors :func:`make_executor` knows.
EXECUTORS = ("serial", "processes", "dask")
#: Seconds to wait for a pool worker to stop after SIGTERM before it is killed.
STOP_GRACE_S = 20.0

# Error-message templates, kept here so that tests can match them.
NO_DASK_MSG = (
    "Dask sweeps (--dask, --scheduler) need the optional extra greennb[dask]: "
    "pip install 'greennb[dask]' ({error})."
)
UNKNOWN_EXECUTOR_MSG = "Unknown executor {executor!r}. Valid executors: {valid}."
WORKERS_MSG = "workers must be an integer >= 1; got {value!r}."
SCHEDULER_NOT_DASK_MSG = "a scheduler address needs the dask executor; got executor {executor!r}."


class SerialExecutor:
    """Run points one after the other in this process."""

    kind = "serial"
    slots = 1
    local = True

    def submit(self, task: PointTask) -> concurrent.futures.Future:
        """Run the point now; return a finished future with its outcome."""
        future: concurrent.futures.Future = concurrent.futures.Future()
        try:
            future.set_result(run_point(task))
        except Exception as error:  # a KeyboardInterrupt propagates to the sweep
            future.set_exception(error)
        return future

    def wait(self, futures: Iterable[Any]) -> set[Any]:
        """Return the finished futures (all of them)."""
        return set(futures)

    def outcome(self, future: Any) -> dict[str, Any]:
        """Return a finished future's outcome (raises what the point raised)."""
        return future.result()

    def describe(self) -> dict[str, Any]:
        """Return what the sweep record says of this executor."""
        return {"kind": self.kind, "workers": 1}

    def close(self, *, interrupted: bool = False) -> None:
        """Nothing to release."""


def _pool_worker_started() -> None:
    """Set up a pool worker: Ctrl-C is the sweep's to handle; import papermill once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the sweep stops workers with SIGTERM
    import papermill  # noqa: F401  (imported once per worker, not per point)


class PoolExecutor:
    """Run points on ``workers`` local worker processes, one point per process at a time."""

    kind = "processes"
    local = True

    def __init__(self, workers: int) -> None:
        self.slots = workers
        self._pool = concurrent.futures.ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_pool_worker_started,
        )
        self._closed = False

    def submit(self, task: PointTask) -> concurrent.futures.Future:
        """Hand a point to a worker."""
        return self._pool.submit(run_point, task)

    def wait(self, futures: Iterable[Any]) -> set[Any]:
        """Wait until at least one point finishes; return the finished futures."""
        done, _ = concurrent.futures.wait(
            list(futures), return_when=concurrent.futures.FIRST_COMPLETED
        )
        return done

    def outcome(self, future: Any) -> dict[str, Any]:
        """Return a finished future's outcome (raises when its worker died)."""
        return future.result()

    def describe(self) -> dict[str, Any]:
        """Return what the sweep record says of this executor."""
        return {"kind": self.kind, "workers": self.slots}

    def close(self, *, interrupted: bool = False) -> None:
        """Shut the pool down; when interrupted, stop the running points with SIGTERM first."""
        if interrupted and not self._closed:
            # concurrent.futures has no public way to stop running tasks before Python 3.14
            # (terminate_workers); its worker processes are in the private _processes.
            processes = list(getattr(self._pool, "_processes", {}).values())
            for process in processes:
                process.terminate()
            for process in processes:
                process.join(STOP_GRACE_S)
                if process.is_alive():
                    process.kill()
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._closed = True


def _distributed() -> Any:
    try:
        import distributed
    except ImportError as error:
        raise MissingDependencyError(NO_DASK_MSG.format(error=error)) from None
    return distributed


class DaskExecutor:
    """Run points on Dask distributed: a running cluster, or a ``LocalCluster`` started here.

    Parameters
    ----------
    workers : int, optional
        Worker processes of the ``LocalCluster`` (default 2); ignored with ``scheduler``.
    scheduler : str, optional
        Address of a running scheduler, e.g. ``tcp://10.0.0.5:8786``.
    """

    kind = "dask"

    def __init__(self, workers: int | None = None, scheduler: str | None = None) -> None:
        distributed = _distributed()
        self._distributed = distributed
        self.scheduler = scheduler
        self._cluster = None
        if scheduler is None:
            self._cluster = distributed.LocalCluster(
                n_workers=workers or 2,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            self._client = distributed.Client(self._cluster)
        else:
            self._client = distributed.Client(scheduler)
        self.local = self._cluster is not None
        self._futures: list[Any] = []
        self._closed = False

    @property
    def slots(self) -> int:
        """Worker threads of the cluster now (at least 1)."""
        return max(sum(self._client.nthreads().values()), 1)

    def submit(self, task: PointTask) -> Any:
        """Hand a point to the cluster (never cached: ``pure=False``)."""
        future = self._client.submit(run_point, task, pure=False, retries=0)
        self._futures.append(future)
        return future

    def wait(self, futures: Iterable[Any]) -> set[Any]:
        """Wait until at least one point finishes; return the finished futures."""
        return set(self._distributed.wait(list(futures), return_when="FIRST_COMPLETED").done)

    def outcome(self, future: Any) -> dict[str, Any]:
        """Return a finished future's outcome (raises when its worker died)."""
        return future.result()

    def describe(self) -> dict[str, Any]:
        """Return what the sweep record says of this executor."""
        where = self.scheduler or "LocalCluster"
        return {"kind": self.kind, "workers": len(self._client.nthreads()), "scheduler": where}

    def close(self, *, interrupted: bool = False) -> None:
        """Cancel what still runs when interrupted; close the client and a LocalCluster."""
        if self._closed:
            return
        self._closed = True
        if interrupted and self._futures:
            self._client.cancel(self._futures)
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def make_executor(
    executor: str | None = None, *, workers: int | None = None, scheduler: str | None = None
) -> SerialExecutor | PoolExecutor | DaskExecutor:
    """Return the executor of a sweep.

    Parameters
    ----------
    executor : {"serial", "processes", "dask"}, optional
        Default: ``"dask"`` with a ``scheduler``, ``"processes"`` with ``workers`` > 1, else
        ``"serial"``.
    workers : int, optional
        Worker processes (``processes``: default 2; ``dask``: of the ``LocalCluster``).
    scheduler : str, optional
        A running Dask scheduler's address.

    Raises
    ------
    greennb.errors.InvalidValueError
        For an unknown executor, ``workers`` < 1, a scheduler without Dask.
    greennb.errors.MissingDependencyError
        For Dask without the ``greennb[dask]`` extra installed.
    """
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int)):
        raise InvalidValueError(WORKERS_MSG.format(value=workers))
    if workers is not None and workers < 1:
        raise InvalidValueError(WORKERS_MSG.format(value=workers))
    if executor is None:
        executor = "dask" if scheduler else "processes" if (workers or 1) > 1 else "serial"
    if executor not in EXECUTORS:
        raise InvalidValueError(
            UNKNOWN_EXECUTOR_MSG.format(executor=executor, valid=", ".join(EXECUTORS))
        )
    if scheduler and executor != "dask":
        raise InvalidValueError(SCHEDULER_NOT_DASK_MSG.format(executor=executor))
    if executor == "dask":
        return DaskExecutor(workers, scheduler)
    if executor == "processes":
        return PoolExecutor(workers or 2)
    return SerialExecutor()
