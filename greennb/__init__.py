"""greennb: energy, carbon and fairness of machine-learning models, measured and labelled.

The package is laid out in the order data flows through it; each subpackage imports only
those before it::

    data → models → efficiency → {energy, fairness} → evaluation → runs → plots → report → cli

- :mod:`greennb.data`: real datasets shipped offline with checksums, splits, time-series helpers;
- :mod:`greennb.models`: :func:`make_model`, devices, torch MLP estimators, size and FLOPs;
- :mod:`greennb.efficiency`: levers on a model (quantize, prune, distill, precision);
- :mod:`greennb.energy`: :func:`track` (CodeCarbon), idle baseline, E_total = E × PUE,
  C = E_total × CI × (1 − ε), water and embodied estimates, training-energy forecast;
- :mod:`greennb.fairness`: group metrics, the social responsibility index R = A / B,
  calibration, mitigation;
- :mod:`greennb.evaluation`: one record per model or variant (quality, energy, fairness);
- :mod:`greennb.runs`: the run record (``metrics.json``), the papermill run store, the cases;
- :mod:`greennb.plots`: the notebooks' figures; :mod:`greennb.report`: the cross-run report.

The names below are the ones the notebooks and the README use; they are loaded on first use
(PEP 562), so ``import greennb`` imports none of pandas, scikit-learn, torch, fairlearn,
CodeCarbon, papermill or matplotlib. Everything else lives in its subpackage, e.g.
``greennb.energy.Pricing`` or ``greennb.fairness.mitigate``.

Examples
--------
>>> import greennb as gnb
>>> gnb.load_dataset("hmda").task
'classification'
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.2.0"

# Each public name and the subpackage that defines it, in the order data flows.
_LAZY_NAMES = {
    "list_datasets": "data",
    "load_dataset": "data",
    "split_dataset": "data",
    "check_sensitive": "data",
    "make_model": "models",
    "select_device": "models",
    "describe_device": "models",
    "count_parameters": "models",
    "configure": "energy",
    "track": "energy",
    "measure_idle_baseline": "energy",
    "load_ipython_extension": "energy",
    "facility_energy": "energy",
    "carbon_emissions": "energy",
    "carbon_scenarios": "energy",
    "grid_carbon_intensity": "energy",
    "grid_renewable_share": "energy",
    "water_footprint": "energy",
    "embodied_emissions": "energy",
    "group_metrics": "fairness",
    "social_responsibility_index": "fairness",
    "RunRecord": "runs",
    "run_case": "runs",
    "write_report": "report",
}

_SUBPACKAGES = (
    "data",
    "models",
    "efficiency",
    "energy",
    "fairness",
    "evaluation",
    "runs",
    "plots",
    "report",
)

__all__ = ["__version__", *_LAZY_NAMES]


def __getattr__(name: str) -> Any:
    """Load a public name (or a subpackage) on first use and cache it in the module."""
    if name in _LAZY_NAMES:
        module = importlib.import_module(f"greennb.{_LAZY_NAMES[name]}")
        value = getattr(module, name)
    elif name in _SUBPACKAGES:
        value = importlib.import_module(f"greennb.{name}")
    else:
        raise AttributeError(f"module 'greennb' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__) | set(_SUBPACKAGES))
