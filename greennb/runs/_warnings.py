"""Each greennb warning shown once per run, however often a loop over models raises it.

A notebook that evaluates four models in a loop gets the same FairnessWarning four times
("2 row(s) with y_true == 0 are left out of MAPE"): Python shows a warning once per code
location only until any ``warnings.catch_warnings`` block exits (scikit-learn and fairlearn
open many), which resets that memory, and the ``"once"`` filter action is reset the same way.
:func:`show_each_warning_once` therefore filters at display time: it replaces
``warnings.showwarning`` (the documented hook, https://docs.python.org/3/library/warnings.html
#warnings.showwarning) with one that shows each distinct :class:`~greennb.errors.GreennbWarning`
(category and message) once and passes every other warning through. A ``catch_warnings`` block
restores the hook it found, so the hook outlives them; :func:`greennb.runs.start_run` installs
it, and calling it again (the next run in the same kernel) forgets what was shown.

Examples
--------
>>> import warnings
>>> from greennb.errors import FairnessWarning
>>> with warnings.catch_warnings(record=True) as caught:  # the hook is restored after it
...     warnings.simplefilter("always")
...     show_each_warning_once()  # over the recorder, the hook that shows them here
...     for _ in range(3):
...         warnings.warn("group 'b' has 4 rows", FairnessWarning, stacklevel=1)
>>> len(caught)
1
"""

from __future__ import annotations

import warnings
from typing import Any

from greennb.errors import GreennbWarning


class _OncePerRun:
    """A ``warnings.showwarning`` that shows each distinct greennb warning once."""

    def __init__(self, show: Any) -> None:
        self.show = show
        self.shown: set[tuple[type, str]] = set()

    def __call__(self, message: Any, category: type, *args: Any, **kwargs: Any) -> None:
        if issubclass(category, GreennbWarning):
            key = (category, str(message))
            if key in self.shown:
                return
            self.shown.add(key)
        self.show(message, category, *args, **kwargs)


def show_each_warning_once() -> None:
    """Show each distinct greennb warning once from now on; forget those shown before.

    Other libraries' warnings are shown as Python's filters decide. Idempotent: a second call
    keeps one hook (over the same original ``showwarning``) and starts a new run's memory.
    """
    current = warnings.showwarning
    original = current.show if isinstance(current, _OncePerRun) else current
    warnings.showwarning = _OncePerRun(original)
