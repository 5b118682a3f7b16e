"""Frame builders: from a shipped CSV, as read, to the typed frame of each dataset.

Each ``build_*`` function takes the raw table of one shipped file and returns it typed
(categories, datetimes) with the derived columns the case studies need: Chicago's long
format with ridership rebuilt from 14-day lags and a neighbourhood per station, Victoria's
rebuilt half-hourly time index with work-day and temperature bands, age bands for MONICA,
COVID-19 testing and credit scoring. Missing values in a sensitive column become the explicit
category :data:`~greennb.data.UNKNOWN_CATEGORY`. The reasoning behind each derived column is
in ``data/README.md``.

Examples
--------
>>> import pandas as pd
>>> build_hmda(pd.DataFrame({c: ["no", "yes"] for c in ("deny", "phist", "selfemp",
...     "insurance", "condomin", "afam", "single", "hschool")}))["afam"].cat.categories.tolist()
['no', 'yes']
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from greennb._validation import require_columns
from greennb.data._checks import UNKNOWN_CATEGORY

# --------------------------------------------------------------------------- typing helpers


def _as_category(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    for column in columns:
        frame[column] = frame[column].astype("category")
    return frame


def fill_unknown(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Turn NaN in a sensitive column into the explicit category ``"unknown"`` (in place)."""
    frame[column] = frame[column].fillna(UNKNOWN_CATEGORY).astype("category")
    return frame


def _band(values: pd.Series, edges: Sequence[float], labels: Sequence[str]) -> pd.Series:
    """Bin numbers into ordered, left-closed bands ``[edge_i, edge_i+1)``."""
    return pd.cut(values, bins=list(edges), labels=list(labels), right=False, ordered=True)


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _day_of_week(times: pd.Series) -> pd.Series:
    names = np.asarray(_WEEKDAYS)[times.dt.day_of_week.to_numpy()]
    return pd.Series(pd.Categorical(names, categories=_WEEKDAYS, ordered=True), index=times.index)


# --------------------------------------------------------------------------- smart city

# Station -> side-of-city grouping. An APPROXIMATION written by hand (no library
# has it): modeldata names stations without their line, and several names
# (Western, Kedzie, California, Ashland, Harlem, Irving Park, Montrose, Addison,
# Belmont) exist on more than one line. Each station is put where all or most of
# its namesakes lie; see data/README.md for the reasoning.
CHICAGO_NEIGHBOURHOODS: dict[str, str] = {
    "Clark_Lake": "downtown",
    "Quincy_Wells": "downtown",
    "Washington_Wells": "downtown",
    "Monroe": "downtown",
    "Merchandise_Mart": "downtown",
    "Clinton": "downtown",
    "Belmont": "north_northwest",
    "Addison": "north_northwest",
    "Irving_Park": "north_northwest",
    "Montrose": "north_northwest",
    "Jefferson_Park": "north_northwest",
    "Austin": "west",
    "Oak_Park": "west",
    "Harlem": "west",
    "Western": "west",
    "California": "west",
    "Kedzie": "west",
    "Ashland": "west",
    "Polk": "west",
    "Archer_35th": "southwest",
}
"""Side of the city of each of the 20 Chicago 'L' stations (an approximation; see data/README)."""
CHICAGO_LAG_DAYS = 14
"""modeldata's station columns on day d hold the entries of day d − 14."""
_CHICAGO_WEATHER = (
    "temp_min", "temp", "temp_max", "temp_change", "dew", "humidity", "pressure",
    "pressure_change", "wind", "wind_max", "gust", "gust_max", "percip", "percip_max",
    "weather_rain", "weather_snow", "weather_cloud", "weather_storm",
)  # fmt: skip
_CHICAGO_SPORTS = tuple(
    f"{team}_{side}"
    for team in ("Blackhawks", "Bulls", "Bears", "WhiteSox", "Cubs")
    for side in ("Away", "Home")
)


def build_chicago(raw: pd.DataFrame) -> pd.DataFrame:
    """Long format: one row per date x station, ridership rebuilt from 14-day lags.

    In modeldata's ``Chicago`` each station column on date d holds that station's
    entries on d - 14 days. So a station's own ridership on day t is its column
    on day t + 14; it can be rebuilt for every day except the last 14 of the
    table. The lag value on t (entries on t - 14) stays as a feature.
    """
    stations = list(CHICAGO_NEIGHBOURHOODS)
    require_columns(raw, ["date", *stations], role="Chicago")
    wide = raw.assign(date=pd.to_datetime(raw["date"]))
    lags = wide.melt(
        id_vars="date", value_vars=stations, var_name="station", value_name="ridership_lag14"
    )
    rebuilt = lags.rename(columns={"ridership_lag14": "ridership"})
    rebuilt["date"] = rebuilt["date"] - pd.Timedelta(days=CHICAGO_LAG_DAYS)
    long = lags.merge(rebuilt, on=["date", "station"], how="inner")
    context = wide[["date", *_CHICAGO_WEATHER, *_CHICAGO_SPORTS]]
    long = long.merge(context, on="date", how="left", validate="many_to_one")
    long["neighbourhood"] = long["station"].map(CHICAGO_NEIGHBOURHOODS).astype("category")
    long["station"] = long["station"].astype("category")
    long["day_of_week"] = _day_of_week(long["date"])
    first = ["date", "station", "neighbourhood", "ridership", "ridership_lag14", "day_of_week"]
    rest = [column for column in long.columns if column not in first]
    return long[first + rest].sort_values(["date", "station"], ignore_index=True)


VICTORIA_START = "2014-01-01 00:00"
"""First half-hour of ``elecdemand`` (which has no time column), Melbourne local clock."""
VICTORIA_FREQ = "30min"
_TEMPERATURE_EDGES = (-np.inf, 10.0, 20.0, 30.0, np.inf)
_TEMPERATURE_LABELS = ("<10°C", "10-20°C", "20-30°C", ">=30°C")


def build_victoria(raw: pd.DataFrame) -> pd.DataFrame:
    """Rebuild the half-hourly time index and add workday / temperature groups."""
    time = pd.Series(pd.date_range(VICTORIA_START, periods=len(raw), freq=VICTORIA_FREQ))
    workday = raw["WorkDay"].map({1: "workday", 0: "non-workday"})
    frame = pd.DataFrame(
        {
            "time": time,
            "demand": raw["Demand"].to_numpy(),
            "temperature": raw["Temperature"].to_numpy(),
            "workday": pd.Categorical(workday, categories=["non-workday", "workday"]),
        }
    )
    frame["temperature_band"] = _band(frame["temperature"], _TEMPERATURE_EDGES, _TEMPERATURE_LABELS)
    frame["hour"] = frame["time"].dt.hour + frame["time"].dt.minute / 60.0
    frame["day_of_week"] = _day_of_week(frame["time"])
    return frame


# --------------------------------------------------------------------------- medical

_MONICA_AGE_EDGES = (35, 45, 55, 65, 70)
_MONICA_AGE_LABELS = ("35-44", "45-54", "55-64", "65-69")


def build_monica(raw: pd.DataFrame) -> pd.DataFrame:
    """Type the MONICA factors, order the outcome live < dead and add ``age_band``."""
    frame = raw.copy()
    factors = ["sex", "premi", "smstat", "diabetes", "highbp", "hichol", "angina", "stroke", "hosp"]
    frame = _as_category(frame, factors)
    frame["outcome"] = pd.Categorical(frame["outcome"], categories=["live", "dead"])
    frame["age_band"] = _band(frame["age"], _MONICA_AGE_EDGES, _MONICA_AGE_LABELS)
    return frame


_COVID_AGE_EDGES = (0, 1, 5, 12, 18, np.inf)
_COVID_AGE_LABELS = ("<1", "1-4", "5-11", "12-17", "18+")


def build_covid(raw: pd.DataFrame) -> pd.DataFrame:
    """Type the COVID-19 tests, make missing ``payor_group`` explicit and add ``age_band``."""
    frame = raw.copy()
    factors = ["gender", "test_id", "clinic_name", "demo_group", "patient_class"]
    frame = _as_category(frame, factors)
    frame["result"] = pd.Categorical(
        frame["result"], categories=["negative", "positive", "invalid"]
    )
    frame = fill_unknown(frame, "payor_group")
    frame["age_band"] = _band(frame["age"], _COVID_AGE_EDGES, _COVID_AGE_LABELS)
    return frame


# --------------------------------------------------------------------------- finance


def build_hmda(raw: pd.DataFrame) -> pd.DataFrame:
    """Type HMDA's yes/no factors as categories ``["no", "yes"]``."""
    frame = raw.copy()
    yes_no = ["deny", "phist", "selfemp", "insurance", "condomin", "afam", "single", "hschool"]
    for column in yes_no:
        frame[column] = pd.Categorical(frame[column], categories=["no", "yes"])
    return frame


_CREDIT_AGE_EDGES = (18, 25, 35, 45, 55, np.inf)
_CREDIT_AGE_LABELS = ("18-24", "25-34", "35-44", "45-54", "55+")


def build_credit(raw: pd.DataFrame) -> pd.DataFrame:
    """Type the credit data, make the missing ``Marital`` explicit and add ``age_band``."""
    frame = raw.copy()
    frame = _as_category(frame, ["Home", "Records", "Job"])
    frame["Status"] = pd.Categorical(frame["Status"], categories=["good", "bad"])
    frame = fill_unknown(frame, "Marital")
    frame["age_band"] = _band(frame["Age"], _CREDIT_AGE_EDGES, _CREDIT_AGE_LABELS)
    return frame
