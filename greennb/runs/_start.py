"""Start a case notebook's run record from its parameters cell, in one call.

Every case notebook used to list each of its parameters a second time (``params = dict(...)``),
build its :class:`~greennb.runs.RunRecord` with the grid, PUE and renewable share, and point the
energy session at the run folder. :func:`start_run` does all three from the notebook's own
namespace, reading which names are parameters from the notebook's parameters cell (papermill's
inspection, as ``greennb list`` does), so a parameter added to the cell is recorded without
being listed again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from greennb.energy import configure, parse_stated_hardware
from greennb.errors import InvalidValueError
from greennb.runs._allowed_values import check_parameter_values
from greennb.runs._catalogue import notebook_path
from greennb.runs._parameters import _specs
from greennb.runs._record import RunRecord
from greennb.runs._warnings import show_each_warning_once

MISSING_PARAMETERS_MSG = (
    "start_run({case!r}) needs the parameters of the notebook's parameters cell in the "
    "namespace; missing: {missing}. Run the parameters cell first."
)


def start_run(
    case: str, namespace: Mapping[str, Any], *, configure_energy: bool = True
) -> RunRecord:
    """Create the run record of a case notebook and point the energy session at its folder.

    Parameters
    ----------
    case : str
        The case name (see :func:`~greennb.runs.list_cases`).
    namespace : mapping
        The notebook's variables, ``globals()``: every parameter of the case's parameters cell
        must be there (``run_dir``, and ``country``, ``pue``, ``renewable_share`` where the
        case has them, price the energy).
    configure_energy : bool, default True
        Also call :func:`greennb.energy.configure` with the record's country and run folder,
        so CodeCarbon's CSV lands beside ``metrics.json``, and with the hardware the
        notebook's ``hardware`` parameter states (:func:`greennb.energy.parse_stated_hardware`,
        e.g. ``"cpu_power_w=150; source=Intel ARK"``), recorded in every energy figure.

    Returns
    -------
    RunRecord
        The record, its ``parameters`` the values of the parameters cell in cell order.

    Raises
    ------
    greennb.errors.InvalidValueError
        For an unknown case, a namespace that lacks one of the case's parameters, or a value
        the case does not allow (:func:`~greennb.runs.check_parameter_values`: the message
        names the value and the valid choices), before anything is created.

    Notes
    -----
    From here on each distinct greennb warning (:class:`~greennb.errors.GreennbWarning`, e.g.
    a FairnessWarning about a small group) is shown once in the run, not once per model of a
    loop (:func:`greennb.runs._warnings.show_each_warning_once`).
    """
    names = list(_specs(case))
    missing = [name for name in names if name not in namespace]
    if missing:
        raise InvalidValueError(MISSING_PARAMETERS_MSG.format(case=case, missing=missing))
    parameters = {name: namespace[name] for name in names}
    check_parameter_values(case, parameters)
    show_each_warning_once()
    stated = parse_stated_hardware(parameters.get("hardware") or "")
    record = RunRecord(
        case,
        parameters=parameters,
        run_dir=parameters.get("run_dir"),
        notebook=notebook_path(case).name,
        country=parameters.get("country"),
        pue=parameters.get("pue"),
        renewable_share=parameters.get("renewable_share"),
    )
    if configure_energy:
        configure(country=record.pricing.country, output_dir=record.run_dir, **stated)
    return record
