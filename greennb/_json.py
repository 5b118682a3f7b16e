"""The one conversion of greennb's values to JSON: numpy and pandas to plain types, NaN to None.

JSON has no NaN or infinity; every record greennb writes (``metrics.json``, ``params.json``,
``sweep.json``) goes through :func:`to_json_value`, so that an undefined figure is always
``null`` and ``json.dumps(..., allow_nan=False)`` always succeeds.

Examples
--------
>>> import numpy as np
>>> to_json_value({"r": np.float64("nan"), "n": np.int64(3), "ok": np.bool_(True)})
{'r': None, 'n': 3, 'ok': True}
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any


def json_number(value: Any) -> Any:
    """Return a number as a plain ``int``/``float``/``bool``, NaN and infinities as None.

    Parameters
    ----------
    value : object
        A Python or numpy scalar; anything else is returned unchanged.

    Returns
    -------
    object
        The plain scalar, or None for NaN and ±infinity.
    """
    import numpy as np  # imported on first use: greennb.energy stays light to import

    if value is None or isinstance(value, (bool, np.bool_)):
        return None if value is None else bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    return value


def to_json_value(value: Any) -> Any:
    """Convert numpy/pandas values to plain JSON types; NaN and infinities become None.

    Parameters
    ----------
    value : object
        A number, string, mapping, sequence, DataFrame/Series or object with ``to_dict``.

    Returns
    -------
    object
        The same content built from dict, list, str, int, float, bool and None.
    """
    import numpy as np
    import pandas as pd

    if isinstance(value, str):
        return value
    if value is None or isinstance(value, (bool, int, float, np.number, np.bool_)):
        return json_number(value)
    if isinstance(value, pd.DataFrame):
        return [to_json_value(row) for row in value.to_dict(orient="records")]
    if isinstance(value, pd.Series):
        return {str(k): to_json_value(v) for k, v in value.items()}
    if isinstance(value, Mapping):
        return {str(k): to_json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, np.ndarray)):
        return [to_json_value(v) for v in value]
    if hasattr(value, "to_dict"):
        return to_json_value(value.to_dict())
    if isinstance(value, (pd.Timestamp, datetime)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    return str(value)
