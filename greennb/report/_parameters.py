"""A run's parameters as text, and which of them differ between the runs of a case.

The report tells a case's runs apart by the parameters that changed between them (a student's
exercise runs: ``epochs=20`` against ``epochs=50``). :func:`read_parameters` reads a run's
parameters from its record, each value as the text :func:`format_parameter` gives (the YAML
that ``greennb run -p NAME VALUE`` accepts), without the run's own folder (``run_dir``);
:func:`differing_parameters` names, per case, the parameters whose values are not the same in
all its runs (a parameter missing from some runs differs); :func:`parameter_text` shows them as
``name=value; ...``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from greennb.runs import METRICS_FILE

# Parameters that differ between repeats of the same run: never shown as a difference.
_RUN_SPECIFIC = ("run_dir",)
# The key of a record's parameters; RunRecord writes it before any object-valued key.
_PARAMETERS_KEY = '"parameters":'


def format_parameter(value: Any) -> str:
    """Return a parameter's value as text: a string as it is, anything else as JSON (YAML).

    Examples
    --------
    >>> [format_parameter(v) for v in ("hmda", 20, 0.5, True, None, [0.3, 0.6])]
    ['hmda', '20', '0.5', 'true', 'null', '[0.3, 0.6]']
    """
    if isinstance(value, str):
        return value
    return json.dumps(value, default=str)


def _decode_parameters(text: str) -> Any:
    """Return the ``parameters`` object of a record's text, decoding only that object.

    A record's top-level keys before ``parameters`` hold strings only (schema version, case,
    notebook), and a string's own quotes are escaped in JSON, so the first ``"parameters":``
    is the key; decoding from there skips parsing the rest (models, phases: 95 % of the text,
    and 1.4 s over 1,000 records). Anything unexpected falls back to parsing the whole record.
    """
    start = text.find(_PARAMETERS_KEY)
    if start >= 0:
        rest = text[start + len(_PARAMETERS_KEY) :].lstrip()
        try:
            value, _ = json.JSONDecoder().raw_decode(rest)
        except json.JSONDecodeError:
            value = None
        if isinstance(value, dict):
            return value
    return json.loads(text).get("parameters")


def read_parameters(run_dir: str | Path) -> dict[str, str]:
    """Return a run's parameters from its ``metrics.json``, values as text, ``run_dir`` left out.

    Parameters
    ----------
    run_dir : str or path
        The run's folder.

    Returns
    -------
    dict of str to str
        Name to :func:`format_parameter` text, sorted by name; empty when the record cannot
        be read or holds no parameters object (the report has read and validated the record
        before: a record gone since then only loses its parameters, never the report).
    """
    try:
        parameters = _decode_parameters((Path(run_dir) / METRICS_FILE).read_text("utf-8"))
    except (OSError, ValueError, AttributeError):
        return {}
    if not isinstance(parameters, Mapping):
        return {}
    return {
        str(name): format_parameter(parameters[name])
        for name in sorted(parameters, key=str)
        if name not in _RUN_SPECIFIC
    }


def differing_parameters(
    parameters: Mapping[str, Mapping[str, str]], cases: Mapping[str, str]
) -> dict[str, tuple[str, ...]]:
    """Return, per case, the parameters whose values differ between the case's runs.

    Parameters
    ----------
    parameters : mapping of str to mapping
        Run id (``<case>/<run folder>``) to its parameters (name to text, as
        :func:`read_parameters` returns them).
    cases : mapping of str to str
        Run id to its case.

    Returns
    -------
    dict of str to tuple of str
        Case to the sorted names of the parameters that are missing from some of its runs or
        take more than one value; empty for a case of one run.

    Examples
    --------
    >>> runs = {"c/a": {"epochs": "20", "seed": "0"}, "c/b": {"epochs": "50", "seed": "0"},
    ...         "d/a": {"seed": "0"}}
    >>> differing_parameters(runs, {"c/a": "c", "c/b": "c", "d/a": "d"})
    {'c': ('epochs',), 'd': ()}
    """
    by_case: dict[str, list[Mapping[str, str]]] = {}
    for run, case in cases.items():
        by_case.setdefault(case, []).append(parameters.get(run, {}))
    differing = {}
    for case, runs in by_case.items():
        names = {name for run in runs for name in run}
        differing[case] = tuple(
            sorted(name for name in names if len({run.get(name) for run in runs}) > 1)
        )
    return differing


def parameter_text(parameters: Mapping[str, str], names: Iterable[str]) -> str:
    """Return the named parameters as ``name=value; ...`` (a missing one as ``name=(unset)``).

    Examples
    --------
    >>> parameter_text({"epochs": "20", "seed": "0"}, ["epochs", "lr"])
    'epochs=20; lr=(unset)'
    """
    return "; ".join(f"{name}={parameters.get(name, '(unset)')}" for name in names)
