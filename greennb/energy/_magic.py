"""The ``%%track`` IPython cell magic: ``%load_ext greennb``, then ``%%track train``."""

from __future__ import annotations

import ast
from typing import Any

from greennb.energy._track import PhaseTracker

#: Name of the user-namespace variable where ``%%track`` stores its last result.
MAGIC_RESULT_VARIABLE = "_energy"
#: Phase name of a ``%%track`` line that names none.
DEFAULT_CELL_PHASE = "cell"


def _run_cell_body(shell: Any, cell: str) -> Any:
    """Run a cell's code in the user namespace; return its last expression's value.

    None when the cell ends with ``;``, as IPython shows no value then.

    Runs the code itself, as IPython's ``%%time`` does, rather than ``shell.run_cell``: a
    nested run_cell would print the cell's traceback and report success to the kernel, so a
    failing tracked cell would not stop papermill.
    """
    source = shell.transform_cell(cell)
    tree = shell.transform_ast(shell.compile.ast_parse(source))
    last_expression = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last_expression = ast.Expression(tree.body.pop().value)
    exec(shell.compile(tree, "<%%track cell>", "exec"), shell.user_ns)
    if last_expression is None:
        return None
    value = eval(shell.compile(last_expression, "<%%track cell>", "eval"), shell.user_ns)
    # IPython hides a cell's value after a trailing ';' by looking at the cell's text, which
    # for a %%track cell is the magic call, so it would show the value (a fitted estimator's
    # HTML repr after `model.fit(...);`): honour the ';' here, with IPython's own test of it.
    return None if shell.displayhook.semicolon_at_end_of_expression(source) else value


def load_ipython_extension(ipython: Any) -> None:
    """Register the ``%%track`` cell magic (``%load_ext greennb`` calls this).

    ``%%track train`` runs the cell as phase "train" in the process-wide session, prints the
    result's one-line summary, stores the :class:`~greennb.energy.EnergyResult` in the user
    variable ``_energy`` (and the session's ``results``), then returns the cell's last value
    (none after a trailing ``;``, as in any cell) or re-raises its exception.

    Parameters
    ----------
    ipython : IPython.core.interactiveshell.InteractiveShell
        The running shell.
    """

    def track_cell(line: str, cell: str) -> Any:
        tracker = PhaseTracker(line.strip() or DEFAULT_CELL_PHASE)
        try:
            with tracker:
                return _run_cell_body(ipython, cell)
        finally:
            ipython.user_ns[MAGIC_RESULT_VARIABLE] = tracker.result
            if tracker.result is not None:
                print(tracker.result.summary())

    ipython.register_magic_function(track_cell, magic_kind="cell", magic_name="track")
