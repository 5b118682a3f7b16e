"""Shared test configuration: no display, no network, quiet CodeCarbon.

Each test process (and each notebook kernel it starts) gets one BLAS/torch thread: two
xdist workers that each start two threads on a two-core machine slow torch down about
tenfold, and a serial run shares the machine with whatever else is running.
"""

import os

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("CODECARBON_LOG_LEVEL", "error")
for variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(variable, "1")
