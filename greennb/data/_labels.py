"""Readable names and level labels of every shipped dataset's sensitive columns.

The datasets keep their source codes (``afam = yes``, ``sex = m``, ``Marital = widow``) so that
results and run records match the published data; figures and sentences show these labels
instead. Meanings are those of each dataset's documentation as summarised in
``data/README.md`` (its column tables): AER's ``HMDA`` help page ("is the applicant
African-American?"), DAAG's ``monica`` help page (``sex``: ``m``/``f``), medicaldata's
``covid_testing`` codebook (anonymized ``gender``, ``payor_group``), modeldata's
``credit_data`` (``Marital``), fpp2's ``elecdemand`` (``WorkDay`` 1 on work days) and the
README's own neighbourhood grouping of the Chicago stations (an approximation).

A level without an entry keeps its code with underscores as spaces; a column without an
entry keeps its name. Intersectional labels (``"sex=f, age_band=35-44"``, the form of
:func:`greennb.fairness.group_label`) are labelled part by part.

Examples
--------
>>> group_display_label("hmda", "afam", "yes")
'African-American applicant'
>>> sensitive_display_name("monica", "sex")
'sex'
>>> group_display_label("monica", None, "sex=f, age_band=35-44")
'female, age 35-44'
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

import pandas as pd

from greennb._validation import one_of
from greennb.data._checks import UNKNOWN_CATEGORY

# dataset -> column -> (readable name, {code: label}, prefix for intersections)
_LABELS: dict[str, dict[str, tuple[str, dict[str, str], str]]] = {
    "chicago_ridership": {
        "neighbourhood": (
            "side of the city",
            {"north_northwest": "north / northwest side", "downtown": "downtown (Loop)"},
            "",
        ),
    },
    "victoria_electricity": {
        "workday": ("day type", {"workday": "work day", "non-workday": "non-work day"}, ""),
        "temperature_band": (
            "Melbourne temperature",
            {
                "<10°C": "below 10 °C",
                "10-20°C": "10–20 °C",
                "20-30°C": "20–30 °C",
                ">=30°C": "30 °C and above",
            },
            "",
        ),  # fmt: skip
    },
    "monica": {
        "sex": ("sex", {"m": "male", "f": "female"}, ""),
        "age_band": ("age band (years)", {}, "age "),
    },
    "covid_testing": {
        "gender": ("gender (anonymized)", {}, ""),
        "payor_group": ("payor group", {UNKNOWN_CATEGORY: "payor: unknown"}, "payor: "),
        "age_band": ("age band (years)", {}, "age "),
    },
    "hmda": {
        "afam": (
            "applicant African-American",
            {"yes": "African-American applicant", "no": "not African-American"},
            "",
        ),
    },
    "credit_scoring": {
        "Marital": (
            "marital status",
            {"widow": "widowed", UNKNOWN_CATEGORY: "marital status unknown"},
            "",
        ),
        "age_band": ("age band (years)", {}, "age "),
    },
}

#: Readable name of each dataset's sensitive columns (dataset → column → name).
SENSITIVE_DISPLAY_NAMES = MappingProxyType(
    {
        dataset: MappingProxyType({column: entry[0] for column, entry in columns.items()})
        for dataset, columns in _LABELS.items()
    }
)


def _dataset_name(dataset: Any) -> str:
    """Return the registry name of a Dataset or a name, refusing unknown ones."""
    name = getattr(dataset, "name", dataset)
    return one_of(name, _LABELS, name="dataset")


def sensitive_display_name(dataset: Any, column: str) -> str:
    """Return the readable name of a sensitive column (its name when none is known).

    Parameters
    ----------
    dataset : str or Dataset
        A shipped dataset's registry name (``"hmda"``) or the Dataset itself.
    column : str
        The sensitive column (``"afam"``).
    """
    entry = _LABELS[_dataset_name(dataset)].get(str(column))
    return entry[0] if entry else str(column).replace("_", " ")


def group_display_label(dataset: Any, column: str | None, value: Any) -> str:
    """Return the readable label of one group.

    Parameters
    ----------
    dataset : str or Dataset
        A shipped dataset's registry name or the Dataset itself.
    column : str or None
        The sensitive column the value belongs to; None for an intersectional label
        ``"col=value, col=value"`` whose parts name their columns.
    value : object
        The group's code (``"yes"``) or intersectional label.

    Raises
    ------
    InvalidValueError
        For a dataset that is not shipped (the message lists the shipped ones).
    """
    columns = _LABELS[_dataset_name(dataset)]
    text = str(value)
    if column is None and "=" in text:
        parts = [part.split("=", 1) for part in text.split(", ")]
        if all(len(part) == 2 for part in parts):
            return ", ".join(group_display_label(dataset, c, v) for c, v in parts)
    _, levels, prefix = columns.get(str(column), ("", {}, ""))
    return levels.get(text, prefix + text.replace("_", " "))


def label_groups(values: Any, *, dataset: Any, column: str | None = None) -> Any:
    """Return group codes as readable labels, keeping their order and type.

    Parameters
    ----------
    values : pandas.Series, pandas.Index, sequence or scalar
        Group codes of ``column`` (or intersectional labels when ``column`` is None); a
        named Series or Index supplies the column when ``column`` is None.
    dataset : str or Dataset
        A shipped dataset's registry name or the Dataset itself.
    column : str, optional
        The sensitive column.

    Returns
    -------
    Same kind as ``values``
        A Series keeps its index, and an (ordered) categorical its order of levels with
        the labels as categories; a list stays a list; a scalar gives a str.

    Examples
    --------
    >>> bands = pd.Series(pd.Categorical(["20-30°C", "<10°C"],
    ...     categories=["<10°C", "10-20°C", "20-30°C", ">=30°C"], ordered=True),
    ...     name="temperature_band")
    >>> list(label_groups(bands, dataset="victoria_electricity").cat.categories)
    ['below 10 °C', '10–20 °C', '20–30 °C', '30 °C and above']
    """
    if column is None and isinstance(values, (pd.Series, pd.Index)):
        column = values.name

    def label(value: Any) -> str:
        return group_display_label(dataset, column, value)

    if isinstance(values, pd.Series):
        if isinstance(values.dtype, pd.CategoricalDtype):
            return values.cat.rename_categories({c: label(c) for c in values.cat.categories})
        return values.map(label)
    if isinstance(values, pd.Index):
        return values.map(label)
    if isinstance(values, (list, tuple)):
        return [label(value) for value in values]
    return label(values)
