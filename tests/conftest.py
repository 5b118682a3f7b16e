"""Shared test configuration: no display, no network, quiet CodeCarbon.

Under pytest-xdist each worker gets one BLAS/torch thread: two workers that each start
two threads on a two-core machine slow torch down about tenfold.
"""

import os

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("CODECARBON_LOG_LEVEL", "error")
if os.environ.get("PYTEST_XDIST_WORKER"):
    for variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ.setdefault(variable, "1")
