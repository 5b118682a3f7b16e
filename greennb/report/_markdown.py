"""The report as a Markdown table, written by hand, with each interval shown as low–high.

pandas' ``to_markdown`` needs the ``tabulate`` package, which greennb does not depend on.
:func:`with_ranges` adds the ``<column>_range`` cells (``"low–high"``) that the Markdown and
HTML tables show beside each energy and emissions figure, and words the shared-machine flag.
Every text copied from a record into Markdown goes through :func:`escape_markdown`, so that a
model or dataset name can neither format the report nor inject HTML or links into it.
"""

from __future__ import annotations

import math
import re
from typing import Any

import pandas as pd

#: The columns of the Markdown table (the CSV and HTML files hold them all).
MARKDOWN_COLUMNS = (
    "case",
    "model",
    "dataset",
    "quality_metric",
    "quality",
    "quality_unit",
    "sri",
    "meets_bar",
    "privacy_mechanism",
    "privacy_epsilon",
    "federated_mb_sent",
    "energy_kwh",
    "energy_kwh_range",
    "energy_status",
    "train_kwh",
    "train_kwh_range",
    "train_status",
    "inference_kwh_per_1000",
    "inference_kwh_per_1000_range",
    "inference_status",
    "emissions_g",
    "emissions_g_range",
    "machine_shared",
    "country",
    "pue",
    "finished_at",
)
#: How the table words a figure taken while other processes used the machine.
SHARED_MARK = "machine shared: not attributable"
# The figures shown with their interval as a low–high range.
_RANGED = ("energy_kwh", "train_kwh", "inference_kwh_per_1000", "total_kwh", "emissions_g")
# Characters that Markdown or HTML interpret inside a table cell or a list item; and "_",
# which starts or ends emphasis only where it is not inside a word (snake_case stays as is).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*\[\]<>&|~$])")
_EMPHASIS_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")


def escape_markdown(value: Any) -> str:
    r"""Return a value as Markdown text that renders as itself: no markup, no HTML, one line.

    Backslash-escapes the characters that Markdown or HTML interpret inside a table cell or a
    list item (``\ ` * [ ] < > & | ~ $``, and ``_`` except inside a word) and turns line
    breaks into spaces.

    Examples
    --------
    >>> print(escape_markdown("<b>a|b</b> [x](y) smart_city _z_"))
    \<b\>a\|b\</b\> \[x\](y) smart_city \_z\_
    >>> escape_markdown("two\nlines")
    'two lines'
    """
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", re.sub(r"[\r\n]+", " ", str(value)))
    return _EMPHASIS_UNDERSCORE.sub(r"\\_", text)


def _cell(value: Any) -> str:
    """Return a value as a Markdown cell: floats to 4 digits, NaN/None empty, text escaped."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return escape_markdown(value)


def _range(low: Any, high: Any) -> str:
    """Return ``"low–high"`` to 3 significant digits, or "" when a bound is missing."""
    if any(b is None or (isinstance(b, float) and math.isnan(b)) for b in (low, high)):
        return ""
    return f"{low:.3g}–{high:.3g}"


def with_ranges(table: pd.DataFrame) -> pd.DataFrame:
    """Return the table with a ``<column>_range`` beside each figure that has an interval.

    ``machine_shared`` becomes :data:`SHARED_MARK` where true, empty elsewhere.

    Examples
    --------
    >>> table = pd.DataFrame({"energy_kwh": [2e-6], "energy_kwh_low": [4e-7],
    ...                       "energy_kwh_high": [6e-6], "machine_shared": [True]})
    >>> with_ranges(table)[["energy_kwh_range", "machine_shared"]].iloc[0].tolist()
    ['4e-07–6e-06', 'machine shared: not attributable']
    """
    shown = table.copy()
    for name in _RANGED:
        if f"{name}_low" in shown and f"{name}_high" in shown:
            ranges = [
                _range(low, high)
                for low, high in zip(shown[f"{name}_low"], shown[f"{name}_high"], strict=True)
            ]
            shown.insert(shown.columns.get_loc(name) + 1, f"{name}_range", ranges)
    if "machine_shared" in shown:
        shown["machine_shared"] = [
            SHARED_MARK if flag is True else "" for flag in shown["machine_shared"]
        ]
    return shown


def markdown_table(table: pd.DataFrame, columns: list[str] | tuple[str, ...] | None = None) -> str:
    """Format a table as GitHub-flavoured Markdown (numbers to 4 significant digits).

    Parameters
    ----------
    table : pandas.DataFrame
        The table.
    columns : sequence of str, optional
        Columns to show, in order; default all.

    Returns
    -------
    str
        The Markdown table, one line per row, NaN and None as empty cells.

    Examples
    --------
    >>> print(markdown_table(pd.DataFrame({"model": ["a", None], "sri": [2 / 3, math.nan]})))
    | model | sri |
    |---|---|
    | a | 0.6667 |
    |  |  |
    <BLANKLINE>
    """
    columns = list(table.columns if columns is None else columns)
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for _, row in table[columns].iterrows():
        lines.append("| " + " | ".join(_cell(row[c]) for c in columns) + " |")
    return "\n".join(lines) + "\n"
