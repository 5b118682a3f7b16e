"""Small problems shared by the model tests, as factory fixtures; torch single-threaded."""

import numpy as np
import pandas as pd
import pytest
import torch


@pytest.fixture(autouse=True, scope="module")
def single_torch_thread():
    """Run torch single-threaded here: the networks are tiny, and under pytest-xdist
    two workers with two intra-op threads each on two cores slow torch ~10x."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _separable_problem(n_samples=300, n_features=5, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, n_features))
    y = (X[:, 0] - X[:, 1] > 0).astype(int)
    return X, y


def _linear_problem(n_samples=300, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, 4))
    y = X @ np.array([3.0, -2.0, 0.5, 0.0]) + 10.0 + rng.normal(scale=0.1, size=n_samples)
    return X, y


def _mixed_frame(n_samples=80, seed=0):
    """Numeric, pandas-3 str, object, category, bool and nullable columns with missing values."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "temperature": rng.normal(20, 5, n_samples),
            "count": pd.array(rng.integers(0, 9, n_samples), dtype="Int64"),
            "station": pd.Series(rng.choice(["north", "south", "west"], n_samples), dtype="str"),
            "weekday": pd.Categorical(rng.choice(["mon", "sat"], n_samples)),
            "holiday": rng.random(n_samples) > 0.8,
            "payor": pd.array(rng.choice(["public", "private"], n_samples), dtype="string"),
        }
    )
    frame.loc[::7, "temperature"] = np.nan
    frame.loc[::5, "station"] = np.nan
    frame.loc[::6, "weekday"] = np.nan
    frame.loc[::9, "count"] = pd.NA
    frame.loc[::4, "payor"] = pd.NA
    return frame


@pytest.fixture
def separable_problem():
    """Factory: ``separable_problem(n_samples, n_features, seed) -> (X, y)``, y = x0 > x1."""
    return _separable_problem


@pytest.fixture
def linear_problem():
    """Factory: ``linear_problem(n_samples=300, seed=0) -> (X, y)``, y linear in 4 features."""
    return _linear_problem


@pytest.fixture
def mixed_frame():
    """Factory: a frame of every column kind the preprocessor handles, with missing values."""
    return _mixed_frame
