"""What the trade-off widgets share: controls, live numbers and a figure that follows them.

A trade-off widget explores what needs no retraining, from results already in the kernel: its
controls (sliders, dropdowns) feed a pure function, :meth:`TradeoffWidget.update`, which
returns the displayed numbers as a dict, so tests and scripts drive it without a front end.
:meth:`TradeoffWidget.show` displays the controls with a live summary, and below them a
matplotlib figure of the current state as an ordinary ``image/png`` output: papermill (no
front end) keeps that static figure of the default state, and a live front end replaces it
whenever a control moves (IPython's display handles, ``display_id``).

Why ipywidgets: it is the Jupyter standard, its JavaScript ships inside the
``jupyterlab_widgets`` package (no CDN, so it works offline), and papermill/nbclient execute
its cells without a front end. It is imported on first use, so ``import greennb.plots`` does
not import it.
"""

from __future__ import annotations

import io
import math
import os
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from greennb._validation import INTERVAL_MSG, non_negative, real
from greennb.energy import EnergyInterval
from greennb.errors import (
    FairnessWarning,
    InvalidValueError,
    MissingDependencyError,
)

WIDGET_DEPENDENCY_MSG = (
    "The trade-off widgets need ipywidgets (pip install 'ipywidgets>=8.1'); importing it "
    "failed: {error}"
)
UNKNOWN_CONTROL_MSG = "Unknown control {name!r} of the {what}; valid controls: {choices}."
UNAVAILABLE_ENERGY_MSG = (
    "{name} has no energy figure (status {status!r}: {reason}); a widget needs a measured or "
    "estimated energy in kWh."
)
#: The variable Voilà sets in its kernels' environment.
VOILA_KERNEL = "VOILA_KERNEL_ID"
#: Size of a widget's figure (inches) and its resolution in the notebook (dots per inch).
FIGURE_SIZE = (9.0, 3.6)
FIGURE_DPI = 100


def import_ipywidgets():
    """Return the ipywidgets module, or raise MissingDependencyError saying how to install it."""
    try:
        import ipywidgets
    except ImportError as error:
        raise MissingDependencyError(WIDGET_DEPENDENCY_MSG.format(error=error)) from error
    return ipywidgets


def slider(value: float, low: float, high: float, *, description: str, step: float = 0.01):
    """Return an ipywidgets FloatSlider over ``[low, high]`` at ``value``, its label shown whole.

    It reports its value when released, not while dragged: a redraw takes ~0.4 s.
    """
    return import_ipywidgets().FloatSlider(
        value=value,
        min=low,
        max=high,
        step=step,
        description=description,
        style={"description_width": "initial"},
        continuous_update=False,
    )


def in_range(value: Any, low: float, high: float, *, name: str, unit: str = "") -> float:
    """Return ``value`` as a float if ``low <= value <= high`` (a control's range), else raise.

    Examples
    --------
    >>> in_range(1.5, 1.0, 3.0, name="pue")
    1.5
    >>> in_range(0.2, 0.5, 1.0, name="bar")
    Traceback (most recent call last):
    ...
    greennb.errors.InvalidValueError: bar must be a number in [0.5, 1]; got 0.2.
    """
    number = real(value, name=name, unit=unit)
    if not low <= number <= high:
        shown = f" ({unit})" if unit else ""
        raise InvalidValueError(
            INTERVAL_MSG.format(name=name, interval=f"[{low:g}, {high:g}]", unit=shown, value=value)
        )
    return number


def energy_kwh(energy: Any, *, name: str) -> float:
    """Return the central value (kWh) of a number, EnergyInterval, EnergyResult or EnergyTotal.

    An energy result without a figure (status ``"unavailable"``) raises, naming ``name`` and
    the reason, instead of failing later inside the arithmetic.
    """
    if isinstance(energy, EnergyInterval):
        return energy.value
    if hasattr(energy, "energy_kwh"):
        check_available(energy, name=name)
        return float(energy.energy_kwh)
    return non_negative(energy, name=name, unit="kWh")


def check_available(energy: Any, *, name: str) -> None:
    """Raise InvalidValueError when an EnergyResult or EnergyTotal carries no energy figure."""
    if getattr(energy, "energy_kwh", 0.0) is None:
        status = getattr(energy, "status", "unavailable")
        missing = getattr(energy, "missing", None)
        reason = getattr(energy, "reason", None) or (
            f"phases without energy: {', '.join(missing)}" if missing else "no phase measured"
        )
        raise InvalidValueError(
            UNAVAILABLE_ENERGY_MSG.format(name=name, status=status, reason=reason)
        )


def readable_unit(value: float, units: Mapping[str, float]) -> tuple[str, float]:
    """Return the largest unit of ``units`` (name → factor from the base unit) showing >= 1.

    Examples
    --------
    >>> readable_unit(0.002, {"kWh": 1.0, "Wh": 1e3, "mWh": 1e6})
    ('Wh', 1000.0)
    """
    ordered = sorted(units.items(), key=lambda item: item[1])
    for unit, factor in ordered:
        if abs(value) * factor >= 1:
            return unit, factor
    return ordered[-1]


def fairness_quietly(compute: Callable[[], Any]) -> tuple[Any, list[str]]:
    """Call ``compute`` and return its result with the FairnessWarnings it issued, as text.

    A control that moves re-computes the SRI many times: its warnings (small groups, undefined
    ratios) are shown once in the widget's summary instead of piling up under the cell.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", FairnessWarning)
        result = compute()
    messages = [str(w.message) for w in caught if issubclass(w.category, FairnessWarning)]
    for other in caught:
        if not issubclass(other.category, FairnessWarning):
            warnings.warn_explicit(
                other.message, other.category, other.filename, other.lineno, source=other.source
            )
    return result, list(dict.fromkeys(messages))


def number(value: float | None, digits: int = 3) -> str:
    """Return ``value`` with ``digits`` significant digits, or "undefined" for None or NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "undefined"
    return f"{value:.{digits}g}"


@dataclass(eq=False)
class TradeoffWidget:
    """Controls, a pure function of their values, a live summary and a figure of the state.

    Parameters
    ----------
    name : str
        What the widget explores (``"carbon widget"``), for messages.
    controls : mapping of str to ipywidgets widgets
        The controls, in display order, by the keyword of ``compute`` each one sets.
    compute : callable
        ``compute(**values) -> dict``: the displayed numbers for those values.
    describe : callable
        ``describe(result) -> str``: the summary of a result, as HTML.
    draw : callable
        ``draw(result, figure)``: draws a result on a matplotlib Figure.
    state : callable, optional
        ``state() -> dict``: the controls' current values as keyword arguments of
        ``compute``; default ``{name: control.value}``.
    figsize : tuple of float, default FIGURE_SIZE
        Size of the figure (inches).

    Attributes
    ----------
    widget : ipywidgets.VBox
        The controls above the live summary (an ``ipywidgets.HTML``); in the page, the
        summary carries the CSS class ``greennb-widget-summary`` and each control
        ``greennb-control-<keyword>``.
    defaults : dict
        The controls' initial values: what :meth:`update` starts from.
    """

    name: str
    controls: Mapping[str, Any]
    compute: Callable[..., dict[str, Any]]
    describe: Callable[[dict[str, Any]], str]
    draw: Callable[[dict[str, Any], Any], None]
    state: Callable[[], dict[str, Any]] | None = None
    figsize: tuple[float, float] = FIGURE_SIZE
    widget: Any = field(init=False, repr=False)
    defaults: dict[str, Any] = field(init=False)

    def __post_init__(self) -> None:
        ipywidgets = import_ipywidgets()
        if self.state is None:
            self.state = lambda: {key: control.value for key, control in self.controls.items()}
        self.defaults = self.state()
        self.summary = ipywidgets.HTML(value=self.describe(self.update()))
        self.widget = ipywidgets.VBox([*self.controls.values(), self.summary])
        # CSS classes a page (and the browser tests) find the parts by
        self.summary.add_class("greennb-widget-summary")
        for key, control in self.controls.items():
            control.add_class(f"greennb-control-{key}")
        self._handle = self._image = None
        for control in self.controls.values():
            control.observe(self._refresh, names="value")

    def update(self, **values: Any) -> dict[str, Any]:
        """Return the displayed numbers for the defaults with ``values`` changed.

        Parameters
        ----------
        **values
            Control name → value; names not given keep their default (not the control's
            current position: the result depends on the arguments only).

        Returns
        -------
        dict
            The numbers the widget displays (see the function that built the widget).

        Raises
        ------
        greennb.errors.InvalidValueError
            For a name that is not a control (the message lists the controls), or a value that
            the computation refuses.
        """
        for key in values:
            if key not in self.defaults:
                raise InvalidValueError(
                    UNKNOWN_CONTROL_MSG.format(
                        name=key, what=self.name, choices=", ".join(self.defaults)
                    )
                )
        return self.compute(**{**self.defaults, **values})

    def figure(self, **values: Any):
        """Return a matplotlib Figure of :meth:`update`'s result for ``values``."""
        from matplotlib.figure import Figure

        # A Figure outside pyplot: no global state, and the inline backend shows nothing twice.
        figure = Figure(figsize=self.figsize, dpi=FIGURE_DPI, layout="constrained")
        self.draw(self.update(**values), figure)
        return figure

    def png(self, **values: Any) -> bytes:
        """Return :meth:`figure` as PNG bytes (what the notebook shows)."""
        buffer = io.BytesIO()
        self.figure(**values).savefig(buffer, format="png")
        return buffer.getvalue()

    def show(self) -> TradeoffWidget:
        """Display the controls and summary, then the figure of the current state; return self.

        Without a front end (papermill) the figure stays as a static ``image/png`` output of the
        default state; with one, moving a control redraws it in place. Under Voilà, which
        renders a cell's own outputs once, the figure is an ``ipywidgets.Image`` below the
        summary instead (Voilà sets ``$VOILA_KERNEL_ID`` in its kernels).
        """
        from IPython.display import Image, display

        if VOILA_KERNEL in os.environ:
            width = f"{self.figsize[0] * FIGURE_DPI:.0f}px"  # its own size, not stretched
            self._image = import_ipywidgets().Image(
                value=self.png(**self.state()), format="png", layout={"width": width}
            )
            self._image.add_class("greennb-widget-figure")
            self.widget.children = (*self.widget.children, self._image)
            display(self.widget)
            return self
        display(self.widget)
        self._handle = display(Image(data=self.png(**self.state())), display_id=True)
        return self

    def _refresh(self, change: Mapping[str, Any]) -> None:
        """Re-compute after a control moved: the summary, and the figure if it is displayed."""
        values = self.state()
        self.summary.value = self.describe(self.update(**values))
        if self._image is not None:
            self._image.value = self.png(**values)
        if self._handle is not None:
            from IPython.display import Image

            self._handle.update(Image(data=self.png(**values)))

    def __repr__(self) -> str:
        shown = ", ".join(f"{key}={value!r}" for key, value in self.state().items())
        return f"<{self.name}: {shown}>"
