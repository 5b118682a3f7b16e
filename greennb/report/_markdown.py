"""The report as a Markdown table, written by hand.

pandas' ``to_markdown`` needs the ``tabulate`` package, which greennb does not depend on.
"""

from __future__ import annotations

import math
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
    "energy_kwh",
    "energy_status",
    "emissions_g",
    "country",
    "pue",
    "finished_at",
)


def _cell(value: Any) -> str:
    """Return a value as a Markdown cell: floats to 4 digits, NaN/None empty, pipes escaped."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value).replace("|", "\\|").replace("\n", " ")


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
