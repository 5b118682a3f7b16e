"""Shared test configuration: no display, no network, quiet CodeCarbon."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("CODECARBON_LOG_LEVEL", "error")
