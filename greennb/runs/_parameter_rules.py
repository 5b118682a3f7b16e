"""Kinds of rule that say which values a notebook parameter allows: choices, ranges, lists.

Each rule checks one value, given the other parameters of the run (a group column depends on
the dataset, ``forecast_after`` on ``epochs``), and describes what it allows in one line for
``greennb list``. Choices come from the registries of the subpackages that use the values
(datasets by task from :mod:`greennb.data`, models from :func:`greennb.models.list_models`,
devices from :data:`greennb.models.DEVICE_CHOICES`, grids from
:class:`greennb.energy.Pricing`), so they never drift from the library. The table of which
rule each parameter has lives in :mod:`greennb.runs._allowed_values`.

Examples
--------
>>> Integer(minimum=1).check(3, name="epochs", values={})
>>> Integer(minimum=1).describe({})
'integer >= 1'
>>> CommaList(OneOf(("a", "b"), what="letter")).check("a, b", name="letters", values={})
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from greennb._validation import integer, is_real, one_of, real
from greennb.data import list_datasets, load_dataset
from greennb.energy import Pricing, parse_stated_hardware
from greennb.errors import InvalidTypeError, InvalidValueError
from greennb.models import DEVICE_CHOICES, list_models, select_device

# Error-message templates, kept here so that tests can match them.
DATASET_MISFIT_MSG = (
    "{value!r} is a {task} dataset; the case needs {what}. Valid choices: {choices}."
)
GROUP_COLUMN_MSG = (
    "{value!r} is not a group column of dataset {dataset!r}; valid choices: {choices}{empty}."
)
NUMBER_MSG = "{name} must be a {allowed}; got {value!r}."
INTEGER_RANGE_MSG = "{name} must be an integer in [{minimum}, {maximum}]{where}; got {value!r}."
EMPTY_LIST_MSG = "{name} {value!r} names nothing; give one or more, comma-separated, of: {allowed}."
LIST_ITEM_MSG = "item {item!r} of {name}={value!r}: {error}"
NOT_AN_ITEM_MSG = "{value!r} is not one of {other}={items!r}; valid choices: {choices}."
NOT_TEXT_MSG = "{name} must be text; got {value!r} of type {type}."
#: Device types that :func:`greennb.models.select_device` must find on this machine.
ACCELERATORS = ("cuda", "mps")


class DatasetFacts(NamedTuple):
    """What the rules need to know of a shipped dataset."""

    task: str
    sensitive: tuple[str, ...]
    favourable: bool


@functools.cache
def dataset_facts(name: str) -> DatasetFacts:
    """Return the task, group columns and whether a favourable label exists, of a dataset.

    :mod:`greennb.data` exposes its registry's metadata through a loaded
    :class:`~greennb.data.Dataset` only; loading is checksum-verified and cached, about 0.2 s
    for all six shipped datasets. Cached per name for the process.

    Parameters
    ----------
    name : str
        One of :func:`greennb.data.list_datasets`.

    Returns
    -------
    DatasetFacts
        ``task``, ``sensitive`` (the group columns), ``favourable`` (has a favourable label).
    """
    data = load_dataset(name)
    return DatasetFacts(data.task, tuple(data.sensitive), data.favourable_label is not None)


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str):
        kind = type(value).__name__
        raise InvalidTypeError(NOT_TEXT_MSG.format(name=name, value=value, type=kind))
    return value


def _listed(choices: Sequence[Any]) -> str:
    return ", ".join(map(str, choices))


class Rule:
    """What a parameter allows: :meth:`check` refuses a value, :meth:`describe` shows the rule."""

    def check(self, value: Any, *, name: str, values: Mapping[str, Any]) -> None:
        """Raise InvalidValueError (or InvalidTypeError) when ``value`` is not allowed.

        Parameters
        ----------
        value : object
            The parameter's value.
        name : str
            The parameter's name, for the message.
        values : mapping
            Every parameter of the run, for rules that depend on another one.
        """
        raise NotImplementedError

    def describe(self, rules: Mapping[str, Rule]) -> str:
        """Return what the rule allows, in one line (``rules``: the case's other rules)."""
        raise NotImplementedError


@dataclass(frozen=True)
class OneOf(Rule):
    """One of fixed choices, e.g. a fairness constraint; ``what`` names them in messages."""

    choices: tuple[str, ...]
    what: str

    def check(self, value, *, name, values):  # noqa: D102
        one_of(value, self.choices, name=self.what)

    def describe(self, rules):  # noqa: D102
        return f"one of {_listed(self.choices)}"


@dataclass(frozen=True)
class ModelName(Rule):
    """A model name of :func:`greennb.models.list_models` that supports ``task``."""

    task: str

    def check(self, value, *, name, values):  # noqa: D102
        one_of(value, list_models(self.task), name=f"{self.task} model")

    def describe(self, rules):  # noqa: D102
        return f"one of {_listed(list_models(self.task))}"


@dataclass(frozen=True)
class DatasetName(Rule):
    """A shipped dataset of ``task`` (with a favourable label too, when ``favourable``)."""

    task: str
    favourable: bool = False

    @property
    def what(self) -> str:
        """The datasets this rule allows, in words."""
        return f"a {self.task} dataset{self._with}"

    @property
    def _with(self) -> str:
        return " with a favourable outcome" if self.favourable else ""

    def choices(self) -> list[str]:
        """Return the fitting datasets, sorted."""
        return [
            name
            for name in list_datasets()
            if dataset_facts(name).task == self.task
            and (dataset_facts(name).favourable or not self.favourable)
        ]

    def check(self, value, *, name, values):  # noqa: D102
        choices = self.choices()
        if value in choices:
            return
        if value not in list_datasets():  # an unknown name: say so, with the fitting ones
            one_of(value, choices, name="dataset")
        raise InvalidValueError(
            DATASET_MISFIT_MSG.format(
                value=value,
                task=dataset_facts(value).task,
                what=self.what,
                choices=_listed(choices),
            )
        )

    def describe(self, rules):  # noqa: D102
        return f"one of {_listed(self.choices())} (the {self.task} datasets{self._with})"


@dataclass(frozen=True)
class GroupColumn(Rule):
    """A group (sensitive) column of the run's dataset; ``""`` means its first when ``empty``."""

    dataset: str = "dataset"
    empty: bool = True

    def _empty_note(self) -> str:
        return ", or empty: the dataset's first" if self.empty else ""

    def check(self, value, *, name, values):  # noqa: D102
        _text(value, name)
        dataset = values.get(self.dataset)
        if (value == "" and self.empty) or dataset not in list_datasets():
            return  # an unknown dataset is refused by its own rule
        columns = dataset_facts(dataset).sensitive
        if value not in columns:
            raise InvalidValueError(
                GROUP_COLUMN_MSG.format(
                    value=value, dataset=dataset, choices=_listed(columns), empty=self._empty_note()
                )
            )

    def describe(self, rules):  # noqa: D102
        rule = rules.get(self.dataset)
        names = rule.choices() if isinstance(rule, DatasetName) else list_datasets()
        per_dataset = "; ".join(f"{n}: {_listed(dataset_facts(n).sensitive)}" for n in names)
        return f"a group column of {self.dataset} ({per_dataset}){self._empty_note()}"


@dataclass(frozen=True)
class DeviceName(Rule):
    """A device of :data:`greennb.models.DEVICE_CHOICES` (or ``cuda:N``) this machine has.

    ``auto`` and ``cpu`` are checked by name; an accelerator by
    :func:`greennb.models.select_device`, which imports torch (only then).
    """

    def check(self, value, *, name, values):  # noqa: D102
        kind = _text(value, name).split(":")[0]
        one_of(kind, DEVICE_CHOICES, name="device")
        if kind in ACCELERATORS or ":" in value:
            select_device(value)

    def describe(self, rules):  # noqa: D102
        return f"one of {_listed(DEVICE_CHOICES)}, or cuda:N; present on this machine"


@dataclass(frozen=True)
class PricingValue(Rule):
    """A grid (3-letter ISO code) or pricing value, checked by :class:`greennb.energy.Pricing`."""

    field: str = "country"

    def check(self, value, *, name, values):  # noqa: D102
        Pricing(**{"country": "USA", self.field: value})

    def describe(self, rules):  # noqa: D102
        return {
            "country": "3-letter ISO code of a grid (see greennb countries)",
            "pue": "number >= 1",
            "renewable_share": "number in [0, 1]",
        }[self.field]


@dataclass(frozen=True)
class Number(Rule):
    """A real number between ``low`` and ``high`` (each bound included unless open)."""

    low: float = -math.inf
    high: float = math.inf
    low_open: bool = False
    high_open: bool = False

    def _allowed(self) -> str:
        if self.high == math.inf:
            return f"finite number {'>' if self.low_open else '>='} {self.low:g}"
        left, right = "(" if self.low_open else "[", ")" if self.high_open else "]"
        return f"number in {left}{self.low:g}, {self.high:g}{right}"

    def check(self, value, *, name, values):  # noqa: D102
        number = real(value, name=name)
        low_ok = number > self.low if self.low_open else number >= self.low
        high_ok = number < self.high if self.high_open else number <= self.high
        if not (low_ok and high_ok and math.isfinite(number)):  # NaN fails too
            raise InvalidValueError(
                NUMBER_MSG.format(name=name, allowed=self._allowed(), value=value)
            )

    def describe(self, rules):  # noqa: D102
        return self._allowed()


@dataclass(frozen=True)
class NumberItem(Number):
    """An item of a comma-separated list of numbers: text that reads as a number in range."""

    def check(self, value, *, name, values):  # noqa: D102
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise InvalidValueError(
                NUMBER_MSG.format(name=name, allowed=self._allowed(), value=value)
            ) from None
        super().check(number, name=name, values=values)


@dataclass(frozen=True)
class Integer(Rule):
    """An integer >= ``minimum``, and <= ``maximum`` (a number, or the name of a parameter)."""

    minimum: int = 0
    maximum: int | str | None = None

    def check(self, value, *, name, values):  # noqa: D102
        number = integer(value, name=name, minimum=self.minimum)
        maximum = values.get(self.maximum) if isinstance(self.maximum, str) else self.maximum
        if is_real(maximum) and number > maximum:
            where = f" ({self.maximum}={maximum})" if isinstance(self.maximum, str) else ""
            raise InvalidValueError(
                INTEGER_RANGE_MSG.format(
                    name=name, minimum=self.minimum, maximum=maximum, where=where, value=value
                )
            )

    def describe(self, rules):  # noqa: D102
        if self.maximum is None:
            return f"integer >= {self.minimum}"
        return f"integer in [{self.minimum}, {self.maximum}]"


def list_items(value: str) -> list[str]:
    """Split a comma-separated parameter as the notebooks do: items stripped, empty ones dropped.

    Examples
    --------
    >>> list_items("logistic, mlp,")
    ['logistic', 'mlp']
    """
    return [item.strip() for item in value.split(",") if item.strip()]


@dataclass(frozen=True)
class CommaList(Rule):
    """Comma-separated text with one or more items, each allowed by ``item``."""

    item: Rule

    def check(self, value, *, name, values):  # noqa: D102
        items = list_items(_text(value, name))
        if not items:
            allowed = self.item.describe({})
            raise InvalidValueError(EMPTY_LIST_MSG.format(name=name, value=value, allowed=allowed))
        for item in items:
            try:
                self.item.check(item, name=name, values=values)
            except (InvalidValueError, InvalidTypeError) as error:
                message = LIST_ITEM_MSG.format(item=item, name=name, value=value, error=error)
                raise type(error)(message) from None

    def describe(self, rules):  # noqa: D102
        return f"comma-separated, each {self.item.describe(rules)}"


@dataclass(frozen=True)
class ItemOf(Rule):
    """One of the items of another comma-separated parameter (a model that is also trained)."""

    other: str

    def check(self, value, *, name, values):  # noqa: D102
        items = values.get(self.other)
        choices = list_items(items) if isinstance(items, str) else []
        if value not in choices:
            raise InvalidValueError(
                NOT_AN_ITEM_MSG.format(
                    value=value, other=self.other, items=items, choices=_listed(choices)
                )
            )

    def describe(self, rules):  # noqa: D102
        return f"one of the items of {self.other}"


@dataclass(frozen=True)
class StatedHardware(Rule):
    """The hardware a notebook states: empty, or ``key=value`` pairs separated by ``;``."""

    def check(self, value, *, name, values):  # noqa: D102
        parse_stated_hardware(value)

    def describe(self, rules):  # noqa: D102
        return (
            "empty (CodeCarbon detects the hardware), or 'key=value' pairs separated by ';' "
            "among cpu_power_w, ram_power_w (W), gpu_count, gpu_model and source (required)"
        )
