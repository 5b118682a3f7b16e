"""``greennb list`` as text that fits a terminal: an overview of every case, or one case in full.

:func:`parameters_listing` renders :func:`~greennb.runs.parameters_table`. Without cases it is
an overview: the parameters that every case shares with the same type, default, help and
allowed values once, then each case's own, one line each (name, type, default, help
shortened with "…" to fit). With case names, every parameter of those cases in full: help and
allowed values wrapped, nothing shortened. Every line is at most ``width`` characters
(80 by default), except a single word longer than that (none in the shipped cases).

Examples
--------
>>> print(parameters_listing(["finance"]))  # doctest: +SKIP
finance (03_finance.ipynb): 16 parameters
  quick: bool = True
      classroom-fast configuration
...
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any

import pandas as pd

from greennb.runs._catalogue import notebook_path
from greennb.runs._parameters import parameters_table

#: Width the listing fits (characters): a standard terminal.
DEFAULT_WIDTH = 80
#: Longest default shown in the overview before it is shortened (characters).
OVERVIEW_DEFAULT_WIDTH = 12
_INDENT = "  "
_DETAIL_INDENT = "      "
_SHARED_KEYS = ["type", "default_text", "help", "allowed"]
NO_CASES_LINE = "No case notebooks found."
OVERVIEW_FOOTER = (
    "greennb list CASE shows each parameter of a case with its help and allowed values in "
    "full; greennb run CASE -p NAME VALUE sets one."
)
FULL_FOOTER = "greennb run CASE -p NAME VALUE sets one; lists as YAML: -p NAME '[1, 2]'."


def _text(value: Any) -> str:
    """Return a default as it is typed on the command line ('' for an empty string)."""
    if isinstance(value, str):
        return value if value else "''"
    return str(value)


def _shorten(text: str, width: int) -> str:
    """Return ``text`` cut to ``width`` characters, ending in "…" when it was cut."""
    if len(text) <= width:
        return text
    return text[: max(width - 1, 0)].rstrip() + "…"


def _table(cases: Sequence[str] | None) -> pd.DataFrame:
    table = parameters_table()
    table = table.assign(default_text=table["default"].map(_text))
    if cases is None:
        return table
    for case in cases:
        notebook_path(case)  # an unknown case: InvalidValueError naming the valid ones
    chosen = table[table["case"].isin(list(cases))]
    order = {case: i for i, case in enumerate(dict.fromkeys(cases))}
    return chosen.sort_values("case", key=lambda c: c.map(order), kind="stable")


def _shared(table: pd.DataFrame) -> list[str]:
    """Names of the parameters every case has, with the same type, default, help and rules."""
    n_cases = table["case"].nunique()
    if n_cases < 2:
        return []
    variants = table.groupby("name", sort=False)[_SHARED_KEYS].nunique()
    counts = table.groupby("name", sort=False)["case"].nunique()
    same = (variants == 1).all(axis=1) & (counts == n_cases)
    return [name for name in table["name"].drop_duplicates() if same[name]]


def _overview_lines(rows: pd.DataFrame, width: int) -> list[str]:
    name_w = max(rows["name"].str.len().max(), 4)
    type_w = max(rows["type"].str.len().max(), 4)
    default_w = min(max(rows["default_text"].str.len().max(), 7), OVERVIEW_DEFAULT_WIDTH)
    lines = []
    for row in rows.itertuples():
        start = (
            f"{_INDENT}{row.name:<{name_w}}  {row.type:<{type_w}}  "
            f"{_shorten(row.default_text, default_w):<{default_w}}  "
        )
        lines.append((start + _shorten(row.help, width - len(start))).rstrip())
    return lines


def _count(n_own: int, shared: bool) -> str:
    if not shared:
        return f"{n_own} parameter{'s' * (n_own != 1)}"
    if not n_own:
        return "only the parameters of every case"
    return f"{n_own} parameter{'s' * (n_own != 1)} and those of every case"


def _overview(table: pd.DataFrame, width: int) -> list[str]:
    shared = _shared(table)
    lines = []
    if shared:
        rows = table[table["name"].isin(shared)].drop_duplicates("name")
        lines += ["Parameters of every case:", *_overview_lines(rows, width)]
    for (case, notebook), rows in table.groupby(["case", "notebook"], sort=False):
        own = rows[~rows["name"].isin(shared)]
        lines.append(f"{case} ({notebook}): {_count(len(own), bool(shared))}")
        lines += _overview_lines(own, width) if not own.empty else []
    return [*lines, *textwrap.wrap(OVERVIEW_FOOTER, width)]


def _wrapped(label: str, text: str, width: int) -> list[str]:
    return textwrap.wrap(
        f"{label}{text}",
        width,
        initial_indent=_DETAIL_INDENT,
        subsequent_indent=_DETAIL_INDENT + " " * len(label),
        break_on_hyphens=False,
    )


def _full(table: pd.DataFrame, width: int) -> list[str]:
    lines = []
    for (case, notebook), rows in table.groupby(["case", "notebook"], sort=False):
        lines.append(_shorten(f"{case} ({notebook}): {_count(len(rows), False)}", width))
        for row in rows.itertuples():
            lines.append(_shorten(f"{_INDENT}{row.name}: {row.type} = {row.default_text}", width))
            if len(row.default_text) > width - len(f"{_INDENT}{row.name}: {row.type} = "):
                lines += _wrapped("default: ", row.default_text, width)
            lines += _wrapped("", row.help, width)
            if row.allowed:
                lines += _wrapped("allowed: ", row.allowed, width)
    return [*lines, *textwrap.wrap(FULL_FOOTER, width)]


def parameters_listing(cases: Sequence[str] | None = None, *, width: int = DEFAULT_WIDTH) -> str:
    """Return what ``greennb list`` prints: the case notebooks' parameters, fitting ``width``.

    Parameters
    ----------
    cases : sequence of str, optional
        Show these cases in full: each parameter's type, default, help and allowed values,
        wrapped. Default: the overview of every case (the parameters all cases share once,
        then each case's own; one line each, help shortened with "…").
    width : int
        Longest line (characters); default 80.

    Returns
    -------
    str
        The listing, lines joined by newlines (no trailing newline).

    Raises
    ------
    greennb.errors.InvalidValueError
        For an unknown case, naming the valid ones.
    """
    table = _table(cases)
    if table.empty:
        return NO_CASES_LINE
    lines = _overview(table, width) if cases is None else _full(table, width)
    return "\n".join(lines)
