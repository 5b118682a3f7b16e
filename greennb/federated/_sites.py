"""Sites: the real partitions of a dataset's rows into federated clients, and how non-IID they are.

A :class:`Site` is one client's rows; a :class:`SitePartition` is every client of a dataset,
the column that defines them and a sentence saying how. :func:`sites_by_column` makes one
site per value of a column (small values merged into one "other" site), and the two shipped
cases have their own partitions: :func:`covid_sites` (covid_testing by clinic) and
:func:`chicago_sites` (Chicago ridership by station). :meth:`SitePartition.skew` documents
how non-IID the sites are (size skew and label skew).

Rows are **positions** (0 … n − 1) into the frame the partition was built from, so they index
the preprocessed feature array of the same rows (``make_preprocessor`` returns a numpy array).
:meth:`SitePartition.labels` maps any frame with the site column (a test split, say) to site
names by the column's values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from greennb._validation import integer, require_columns
from greennb.errors import InvalidTypeError, InvalidValueError

EMPTY_SITE_ERROR = (
    "Site {name!r} has no rows: every federated client needs at least one training row. "
    "Drop the site or merge it into another (sites_by_column's min_rows does this)."
)
N_ROWS_ERROR = "Site {name!r}: n_rows={n_rows!r} does not match its {actual} rows."
SITE_NAME_ERROR = "A site's name must be a non-empty string; got {value!r}."
DUPLICATE_SITE_ERROR = "Site names must be unique; {name!r} appears more than once."
OVERLAP_ERROR = (
    "Sites must not share rows: {count} row position(s) belong to more than one site "
    "(first: {first})."
)
MISSING_VALUES_ERROR = (
    "Site column {column!r} has {count} missing value(s): every row must belong to a site. "
    "Fill them (e.g. with 'unknown') or drop those rows first."
)
NO_ROWS_ERROR = "Cannot make sites from column {column!r}: the frame has no rows."
UNKNOWN_VALUES_ERROR = (
    "Column {column!r} has value(s) that belong to no site of this partition and there is no "
    "catch-all site: {values}. Sites: {sites}."
)
TARGET_LENGTH_ERROR = (
    "y has {actual} rows but the partition's rows reach position {needed} - 1: pass one target "
    "value per row of the frame the partition was built from."
)
NO_TARGET_ERROR = (
    "skew() needs the target: pass y (one value per row of the frame the partition was built "
    "from), or build the partition with target=<column>."
)

COVID_SITE_COLUMN = "clinic_name"
"""covid_testing's site column: the clinic that collected the sample."""
COVID_OTHER_SITE = "other clinics"
"""The site that merges every clinic beyond the largest ``n_sites - 1``."""
CHICAGO_SITE_COLUMN = "station"
"""Chicago ridership's site column: the 'L' station (20 stations)."""
DEFAULT_MIN_ROWS = 30
"""Values with fewer rows are merged into the "other" site (the size flagged elsewhere too)."""


@dataclass(frozen=True)
class Site:
    """One federated client: a name and the positions of its rows.

    Parameters
    ----------
    name : str
        The site's name (a clinic, a station; printable, not a person's identifier).
    rows : array-like of int
        Positions (0-based) of the site's rows in the frame the partition was built from.
    n_rows : int, optional
        Number of rows; computed from ``rows`` when omitted, checked against it when given.
    values : tuple, default ()
        The site column's values that belong to this site (several for an "other" site).

    Raises
    ------
    greennb.errors.InvalidValueError
        For an empty name, a site with no rows, or an ``n_rows`` that does not match.
    """

    name: str
    rows: np.ndarray = field(compare=False, repr=False)
    n_rows: int | None = None
    values: tuple = ()

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise InvalidValueError(SITE_NAME_ERROR.format(value=self.name))
        rows = np.asarray(self.rows, dtype=np.int64).reshape(-1)
        if rows.size == 0:
            raise InvalidValueError(EMPTY_SITE_ERROR.format(name=self.name))
        if self.n_rows is not None and self.n_rows != rows.size:
            raise InvalidValueError(
                N_ROWS_ERROR.format(name=self.name, n_rows=self.n_rows, actual=rows.size)
            )
        rows.setflags(write=False)
        object.__setattr__(self, "rows", rows)
        object.__setattr__(self, "n_rows", int(rows.size))
        object.__setattr__(self, "values", tuple(self.values))


@dataclass
class SitePartition:
    """Every site of a dataset: the federated clients, how they were made, how skewed they are.

    Parameters
    ----------
    sites : list of Site
        The clients, largest first (an "other" site last); names unique, rows disjoint.
    column : str
        The frame column whose values define the sites.
    description : str
        How the sites were made, in a sentence (for the notebook and the run record).
    other : str or None, default None
        Name of the catch-all site that takes every value not named by another site (values
        unseen when the partition was made included), or None when there is none.
    target : pandas.Series or None, default None
        The target of the partition's rows (aligned by position), used by :meth:`skew`.
    pos_label : object, optional
        The positive class of a classification target (its rate is the label skew's base).

    Raises
    ------
    greennb.errors.InvalidValueError
        For duplicate site names or rows that belong to more than one site.
    """

    sites: list[Site]
    column: str
    description: str
    other: str | None = None
    target: pd.Series | None = field(default=None, repr=False)
    pos_label: Any = None

    def __post_init__(self) -> None:
        names = set()
        for site in self.sites:
            if not isinstance(site, Site):
                raise InvalidTypeError(f"sites must be Site objects; got {site!r}.")
            if site.name in names:
                raise InvalidValueError(DUPLICATE_SITE_ERROR.format(name=site.name))
            names.add(site.name)
        rows = np.concatenate([site.rows for site in self.sites]) if self.sites else np.arange(0)
        unique, counts = np.unique(rows, return_counts=True)
        shared = unique[counts > 1]
        if shared.size:
            raise InvalidValueError(OVERLAP_ERROR.format(count=shared.size, first=shared[0]))

    @property
    def n_rows(self) -> int:
        """Total rows over all sites."""
        return sum(site.n_rows for site in self.sites)

    @property
    def names(self) -> list[str]:
        """Site names, in partition order."""
        return [site.name for site in self.sites]

    def labels(self, frame: pd.DataFrame) -> pd.Series:
        """Return the site name of each row of ``frame``, by its value of the site column.

        Parameters
        ----------
        frame : pandas.DataFrame
            Any frame with the site column (the training frame, a test split).

        Returns
        -------
        pandas.Series
            Site names (str), indexed like ``frame``; values no site names go to the
            catch-all site.

        Raises
        ------
        greennb.errors.InvalidValueError
            If the column is missing, or a value belongs to no site and there is no catch-all.
        """
        require_columns(frame, [self.column], role="site")
        mapping = {value: site.name for site in self.sites for value in site.values}
        column = frame[self.column].astype(object)
        labels = column.map(mapping)
        unknown = labels.isna()
        if unknown.any():
            if self.other is None:
                values = ", ".join(map(repr, pd.unique(column[unknown])[:10]))
                raise InvalidValueError(
                    UNKNOWN_VALUES_ERROR.format(
                        column=self.column, values=values, sites=", ".join(self.names)
                    )
                )
            labels = labels.where(~unknown, self.other)
        return labels.astype(str).rename("site")

    def skew(self, y: Any = None, *, pos_label: Any = None) -> pd.DataFrame:
        """Tabulate how non-IID the sites are: size skew and label skew per site.

        Parameters
        ----------
        y : array-like, optional
            Target of the partition's rows, by position (default: the partition's ``target``).
        pos_label : object, optional
            Positive class (default: the partition's ``pos_label``). With a positive class, or
            a non-numeric target, the label measure is the positive rate; for a numeric target
            without one, the target mean (regression, forecast).

        Returns
        -------
        pandas.DataFrame
            One row per site: ``site``, ``rows``, ``share`` (of all rows, fraction),
            ``positive_rate`` or ``target_mean`` (in the target's unit), and ``skew``, the
            absolute difference of that measure from its value over all rows (label skew; 0 for
            IID sites).

        Raises
        ------
        greennb.errors.InvalidValueError
            Without a target, or for a target whose length differs from the partition's rows.
        """
        target = self.target if y is None else pd.Series(np.asarray(y))
        if target is None:
            raise InvalidValueError(NO_TARGET_ERROR)
        values = np.asarray(target)
        needed = 1 + max(int(site.rows.max()) for site in self.sites)
        if len(values) < needed:
            raise InvalidValueError(TARGET_LENGTH_ERROR.format(actual=len(values), needed=needed))
        pos_label = self.pos_label if pos_label is None else pos_label
        if pos_label is None and not pd.api.types.is_numeric_dtype(values):
            pos_label = sorted(pd.unique(values))[-1]
        if pos_label is not None:
            measure, values = "positive_rate", (values == pos_label).astype(float)
        else:
            measure, values = "target_mean", values.astype(float)
        all_rows = np.concatenate([site.rows for site in self.sites])
        overall = float(values[all_rows].mean())
        table = pd.DataFrame(
            {
                "site": self.names,
                "rows": [site.n_rows for site in self.sites],
                measure: [float(values[site.rows].mean()) for site in self.sites],
            }
        )
        table.insert(2, "share", table["rows"] / self.n_rows)
        table["skew"] = (table[measure] - overall).abs()
        return table


def sites_by_column(
    frame: pd.DataFrame,
    column: str,
    *,
    min_rows: int = DEFAULT_MIN_ROWS,
    max_sites: int | None = None,
    other: str = "other",
    target: str | None = None,
    pos_label: Any = None,
) -> SitePartition:
    """Make one site per value of a column; small values merged into one "other" site.

    Parameters
    ----------
    frame : pandas.DataFrame
        The training rows (their positions become the sites' rows).
    column : str
        The column whose values are the sites (a clinic, a station).
    min_rows : int >= 1, default 30
        Values with fewer rows are merged into the ``other`` site.
    max_sites : int >= 1, optional
        Keep only the ``max_sites`` largest values as their own sites (ties broken by the
        value's text); the rest are merged into ``other``. None keeps every value with
        ``min_rows`` rows.
    other : str, default "other"
        Name of the merged site (in :meth:`~SitePartition.labels` it also takes unseen values).
    target : str, optional
        A target column of ``frame`` kept for :meth:`SitePartition.skew`.
    pos_label : object, optional
        The target's positive class, for the positive rate per site.

    Returns
    -------
    SitePartition
        Named sites largest first, then ``other`` when any value was merged.

    Raises
    ------
    greennb.errors.InvalidValueError
        For an unknown column (naming the available ones), missing values in it, an empty
        frame, or a bad ``min_rows`` / ``max_sites``.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"clinic": ["a"] * 3 + ["b"] * 2 + ["c"]})
    >>> partition = sites_by_column(frame, "clinic", min_rows=2)
    >>> [(site.name, site.n_rows) for site in partition.sites]
    [('a', 3), ('b', 2), ('other', 1)]
    """
    require_columns(frame, [column], role="site")
    integer(min_rows, name="min_rows", minimum=1)
    if max_sites is not None:
        integer(max_sites, name="max_sites", minimum=1)
    if target is not None:
        require_columns(frame, [target], role="target")
    if len(frame) == 0:
        raise InvalidValueError(NO_ROWS_ERROR.format(column=column))
    values = frame[column].astype(object)
    missing = int(values.isna().sum())
    if missing:
        raise InvalidValueError(MISSING_VALUES_ERROR.format(column=column, count=missing))
    counts = values.value_counts()
    counts = counts.sort_index(key=lambda index: index.map(str)).sort_values(
        ascending=False, kind="stable"
    )
    kept = [value for value, count in counts.items() if count >= min_rows]
    kept = kept if max_sites is None else kept[:max_sites]
    sites = [
        Site(str(value), np.flatnonzero((values == value).to_numpy()), values=(value,))
        for value in kept
    ]
    merged = [value for value in counts.index if value not in set(kept)]
    if merged:
        rows = np.flatnonzero(values.isin(merged).to_numpy())
        sites.append(Site(other, rows, values=tuple(merged)))
    rule = f"values with fewer than {min_rows} rows"
    if max_sites is not None:
        rule += f" or beyond the {max_sites} largest"
    description = (
        f"{len(sites)} sites by {column!r}: one per value, largest first; {rule} "
        f"merged into {other!r} ({len(merged)} values)."
    )
    return SitePartition(
        sites=sites,
        column=column,
        description=description,
        other=other if merged else None,
        target=None if target is None else frame[target].reset_index(drop=True),
        pos_label=pos_label,
    )


def covid_sites(frame: pd.DataFrame, *, n_sites: int = 6) -> SitePartition:
    """Partition covid_testing by clinic: the largest clinics, and one site for all the others.

    The ``n_sites - 1`` clinics with the most rows are each a site; every other clinic (there are
    88 clinics, most with a handful of tests) is merged into one ``"other clinics"`` site. The
    sites are strongly non-IID: the central lab holds about half the rows and the emergency
    department has a different positive rate (see :meth:`SitePartition.skew`). Clinic names
    name hospital units, not people: they may be printed.

    Parameters
    ----------
    frame : pandas.DataFrame
        covid_testing rows with ``clinic_name`` (the training split, say); its ``result``
        column, when present, is kept for the skew table (positive class ``"positive"``).
    n_sites : int >= 2, default 6
        Number of sites, the merged one included.

    Returns
    -------
    SitePartition
        ``n_sites`` sites (fewer if the frame has fewer clinics), largest first.

    Raises
    ------
    greennb.errors.InvalidValueError
        If ``clinic_name`` is missing or ``n_sites`` < 2.
    """
    integer(n_sites, name="n_sites", minimum=2)
    target = "result" if "result" in frame.columns else None
    partition = sites_by_column(
        frame,
        COVID_SITE_COLUMN,
        min_rows=1,
        max_sites=n_sites - 1,
        other=COVID_OTHER_SITE,
        target=target,
        pos_label="positive" if target else None,
    )
    partition.description = (
        f"covid_testing by clinic: the {n_sites - 1} clinics with the most tests each a site, "
        f"every other clinic merged into {COVID_OTHER_SITE!r} "
        f"({len(partition.sites)} sites, {partition.n_rows} rows)."
    )
    return partition


def chicago_sites(frame: pd.DataFrame) -> SitePartition:
    """Partition Chicago ridership by station: each 'L' station one client (20 stations).

    Parameters
    ----------
    frame : pandas.DataFrame
        Chicago ridership rows with ``station``; its ``ridership`` column (rides per day), when
        present, is kept for the skew table (mean ridership per station, in its unit).

    Returns
    -------
    SitePartition
        One site per station, largest first.

    Raises
    ------
    greennb.errors.InvalidValueError
        If ``station`` is missing.
    """
    target = "ridership" if "ridership" in frame.columns else None
    partition = sites_by_column(frame, CHICAGO_SITE_COLUMN, min_rows=1, target=target)
    partition.description = (
        f"Chicago ridership by station: each of the {len(partition.sites)} stations one client "
        f"({partition.n_rows} rows); every station covers the same days (no size skew) but their "
        "ridership levels differ (label skew)."
    )
    return partition
