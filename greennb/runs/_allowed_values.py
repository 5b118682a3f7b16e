"""The allowed values of every case notebook's parameters, in one table, and the run timeout.

:data:`COMMON_RULES` holds the parameters that mean the same in every notebook that has them
(seed, device, grid and facility, epochs, repeats, the SRI's bar); :data:`CASE_RULES` the
parameters of each case (which datasets fit, which models, group columns, ranges). The runner
(:func:`~greennb.runs.check_parameters`, so ``greennb run`` before papermill starts),
``greennb list`` (:func:`allowed_values`) and the notebooks (through
:func:`~greennb.runs.start_run`, :func:`check_parameter_values`) all read this table. The
kinds of rule are in :mod:`greennb.runs._parameter_rules`.

Examples
--------
>>> check_parameter_values("finance", {"constraint": "equal_parity"})
Traceback (most recent call last):
...
greennb.errors.InvalidValueError: Parameter 'constraint' of case 'finance': Unknown fairness \
constraint 'equal_parity'; valid choices: demographic_parity, equalized_odds, \
true_positive_rate_parity.
>>> parse_timeout("none") is None, parse_timeout("90")
(True, 90.0)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from greennb._validation import is_real
from greennb.efficiency import PRECISION_CHOICES
from greennb.errors import InvalidTypeError, InvalidValueError
from greennb.fairness import CALIBRATION_STRATEGIES, MITIGATION_CONSTRAINTS, REGRESSION_SRI_METRICS
from greennb.runs._parameter_rules import (
    CommaList,
    DatasetName,
    DeviceName,
    GroupColumn,
    Integer,
    ItemOf,
    ModelName,
    Number,
    NumberItem,
    OneOf,
    PricingValue,
    Rule,
    StatedHardware,
)

#: Seeds go to NumPy and scikit-learn, which take integers in [0, 2**32 - 1].
MAX_SEED = 2**32 - 1
#: What the command line takes for "no time limit".
NO_TIMEOUT = "none"

# Error-message templates, kept here so that tests can match them.
BAD_VALUE_MSG = "Parameter {name!r} of case {case!r}: {error}"
TIMEOUT_MSG = (
    "timeout must be a finite number of seconds > 0, or {none!r} for no limit; got {value!r}."
)

_CLASSIFICATION_MODELS = CommaList(ModelName("classification"))
_EPSILONS = CommaList(NumberItem(0.0, low_open=True))
#: Columns of covid_testing that 05_privacy has a generalization hierarchy for.
PRIVACY_QUASI_IDENTIFIERS = (
    "age",
    "demo_group",
    "gender",
    "pan_day",
    "patient_class",
    "payor_group",
    "clinic_name",
)
_GRIDS = CommaList(PricingValue("country"))

COMMON_RULES: Mapping[str, Rule] = MappingProxyType(
    {
        "seed": Integer(minimum=0, maximum=MAX_SEED),
        "device": DeviceName(),
        "country": PricingValue("country"),
        "pue": PricingValue("pue"),
        "renewable_share": PricingValue("renewable_share"),
        "epochs": Integer(minimum=1),
        "energy_repeats": Integer(minimum=1),
        "inference_repeats": Integer(minimum=1),
        "bar": Number(0.0, 1.0, low_open=True),
        "hardware": StatedHardware(),
    }
)
"""Rules of the parameters every notebook that has them shares, by name."""

CASE_RULES: Mapping[str, Mapping[str, Rule]] = MappingProxyType(
    {
        "getting_started": {
            "dataset": DatasetName("classification"),
            "sensitive": GroupColumn(),
            "model": ModelName("classification"),
            "scenario_countries": _GRIDS,
            "gpu_hours": Number(0.0, low_open=True),
            "gpu_power_w": Number(0.0, low_open=True),
        },
        "smart_city": {
            "dataset": DatasetName("forecast"),
            "quick_days": Integer(minimum=1),
            "test_size": Number(0.0, 1.0, low_open=True, high_open=True),
            "group": GroupColumn(),
            "sri_metric": OneOf(tuple(sorted(REGRESSION_SRI_METRICS)), what="forecast SRI metric"),
            "plot_days": Integer(minimum=1),
        },
        "medical": {
            "dataset": DatasetName("classification"),
            "models": _CLASSIFICATION_MODELS,
            "sensitive": GroupColumn(empty=False),
            "n_bins": Integer(minimum=2),
            "bin_strategy": OneOf(CALIBRATION_STRATEGIES, what="binning strategy"),
        },
        "finance": {
            "dataset": DatasetName("classification", favourable=True),
            "sensitive": GroupColumn(),
            "models": _CLASSIFICATION_MODELS,
            "mitigate_model": ItemOf("models"),
            "constraint": OneOf(MITIGATION_CONSTRAINTS, what="fairness constraint"),
        },
        "tradeoffs": {
            "dataset": DatasetName("classification"),
            "sensitive": GroupColumn(),
            "teacher_width": Integer(minimum=1),
            "student_width": Integer(minimum=1),
            "sparsity": Number(0.0, 1.0, high_open=True),
            "unit_fraction": Number(0.0, 1.0, high_open=True),
            "precision": OneOf(PRECISION_CHOICES, what="precision"),
            "forecast_after": Integer(minimum=1, maximum="epochs"),
            "grids": _GRIDS,
            "served_predictions": Integer(minimum=1),
            "threads": Integer(minimum=0),
        },
        "privacy": {
            "dataset": OneOf(("covid_testing",), what="privacy dataset"),
            "quasi_identifiers": CommaList(
                OneOf(PRIVACY_QUASI_IDENTIFIERS, what="quasi-identifier")
            ),
            "target_k": Integer(minimum=2),
            "max_suppression": Number(0.0, 1.0, high_open=True),
            "release_epsilons": _EPSILONS,
            "budget_epsilon": Number(0.0, low_open=True),
            "dp_epsilons": _EPSILONS,
            "delta": Number(0.0, 1.0, low_open=True, high_open=True),
            "max_grad_norm": Number(0.0, low_open=True),
            "sensitive": GroupColumn(empty=False),
        },
        "federated": {
            "dataset": OneOf(("chicago_ridership", "covid_testing"), what="federated dataset"),
            "n_sites": Integer(minimum=2),
            "rounds": Integer(minimum=1),
            "local_epochs": Integer(minimum=1),
            "client_fraction": Number(0.0, 1.0, low_open=True),
            "proximal_mu": Number(0.0),
            "compression": OneOf(("none", "fp16", "int8"), what="update compression"),
            "dp_noise_multiplier": Number(0.0),
            "dp_clip": Number(0.0, low_open=True),
            "processes": Integer(minimum=1),
            "threads": Integer(minimum=0),
            "quick_days": Integer(minimum=1),
            "sensitive": GroupColumn(),
        },
    }
)
"""Rules of each case's own parameters (they take precedence over :data:`COMMON_RULES`)."""


def parameter_rules(case: str) -> dict[str, Rule]:
    """Return the rule of each parameter of a case that has one, in checking order.

    Parameters
    ----------
    case : str
        Case name; a case that is not in :data:`CASE_RULES` gets :data:`COMMON_RULES` only.

    Returns
    -------
    dict
        Parameter names to :class:`~greennb.runs._parameter_rules.Rule`; a parameter the
        notebook does not have is ignored by the checks.
    """
    return {**COMMON_RULES, **CASE_RULES.get(case, {})}


def check_parameter_values(case: str, values: Mapping[str, Any]) -> None:
    """Refuse a parameter value the case does not allow, naming the value and the valid ones.

    Parameters
    ----------
    case : str
        Case name.
    values : mapping
        Parameter names to values (typed: ``int``, ``str``, ...), e.g. a run's full parameter
        set or a notebook's ``globals()``; names without a rule (``run_dir``, flags) and rules
        whose parameter is absent are skipped. Rules that depend on another parameter (a group
        column on ``dataset``) read it from ``values``.

    Raises
    ------
    greennb.errors.InvalidValueError
        For a value outside its choices or range; the message names the parameter, the case,
        the value and what is valid.
    greennb.errors.InvalidTypeError
        For a value of the wrong type (text where a number is needed, ...).
    """
    for name, rule in parameter_rules(case).items():
        if name not in values:
            continue
        try:
            rule.check(values[name], name=name, values=values)
        except (InvalidValueError, InvalidTypeError) as error:
            message = BAD_VALUE_MSG.format(name=name, case=case, error=error)
            raise type(error)(message) from None


def allowed_values(case: str, names: list[str]) -> dict[str, str]:
    """Describe, in one line each, the values a case allows for its parameters.

    Parameters
    ----------
    case : str
        Case name.
    names : list of str
        The notebook's parameters.

    Returns
    -------
    dict
        For each of ``names``: its rule in words (``"integer >= 1"``, ``"one of credit_scoring,
        hmda (...)"``), or ``""`` when only its type is checked.
    """
    rules = parameter_rules(case)
    return {name: rules[name].describe(rules) if name in rules else "" for name in names}


def parse_timeout(value: Any) -> float | None:
    """Return the time limit of one notebook cell in seconds, or None for no limit.

    Parameters
    ----------
    value : str, float, int or None
        Seconds (text from the command line, or a number); ``None`` or ``"none"`` (any case)
        for no limit.

    Returns
    -------
    float or None
        The seconds, finite and > 0.

    Raises
    ------
    greennb.errors.InvalidValueError
        For zero, a negative number, NaN, an infinity or text that is not a number.
    """
    if value is None or (isinstance(value, str) and value.strip().lower() == NO_TIMEOUT):
        return None
    try:
        seconds = float(value) if isinstance(value, str) or is_real(value) else math.nan
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds > 0):
        raise InvalidValueError(TIMEOUT_MSG.format(none=NO_TIMEOUT, value=value))
    return seconds
