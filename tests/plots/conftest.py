"""Every figure a test of greennb.plots draws is closed after it; error bars read back."""

import matplotlib.pyplot as plt
import numpy as np
import pytest


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _bar_error_spans(ax, *, horizontal=False):
    """Return each bar error bar seaborn drew as (low, high), sorted, NaN ones left out."""
    spans = []
    for line in ax.lines:
        data = np.asarray(line.get_xydata(), dtype=float)
        if data.shape != (2, 2):
            continue
        values = data[:, 0] if horizontal else data[:, 1]
        position = data[:, 1] if horizontal else data[:, 0]
        if np.isnan(values).any() or position[0] != position[1]:
            continue
        spans.append((float(min(values)), float(max(values))))
    return sorted(spans)


@pytest.fixture
def bar_error_spans():
    """Function: ``bar_error_spans(ax, horizontal=False)``, the bars' error bars as (low, high)."""
    return _bar_error_spans
