"""What the figures share: a fresh Axes, the column check, the unit lookup, axis words."""

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from greennb.errors import InvalidValueError
from greennb.plots import ENERGY_UNITS, MASS_UNITS
from greennb.plots._axes import NO_COLUMNS_MSG, _axes, _require, _unit_factor, _words


def test_axes_makes_a_figure_only_when_none_is_given():
    ax = _axes(None, figsize=(8.0, 4.0))
    assert ax.figure.get_size_inches().tolist() == [8.0, 4.0]
    assert ax.figure.get_layout_engine() is not None  # constrained layout
    _, given = plt.subplots()
    assert _axes(given) is given


def test_require_names_the_figure_and_the_columns():
    frame = pd.DataFrame({"a": [1], "b": [2]})
    _require(frame, ["a", "b"], "figure")
    message = NO_COLUMNS_MSG.format(what="figure", needed=["a", "c"], available=["a", "b"])
    with pytest.raises(InvalidValueError) as raised:
        _require(frame, ["a", "c"], "figure")
    assert str(raised.value) == message
    assert "figure needs the columns ['a', 'c']; the table has ['a', 'b']" in message


def test_unit_factor_returns_the_factor_or_lists_the_valid_units():
    assert _unit_factor("mWh", ENERGY_UNITS, name="energy unit") == 1e6
    assert _unit_factor("kg", MASS_UNITS, name="mass unit") == 1e-3
    assert _unit_factor("b", {"a": ("x", 1.0), "b": ("y", 2.0)}, name="value") == ("y", 2.0)
    with pytest.raises(InvalidValueError, match=r"Unknown mass unit 't'; valid choices: kg, g, mg"):
        _unit_factor("t", MASS_UNITS, name="mass unit")
    with pytest.raises(InvalidValueError, match="Unknown energy unit"):
        _unit_factor(["Wh"], ENERGY_UNITS, name="energy unit")  # unhashable


def test_words_turns_a_column_into_label_words():
    assert _words("energy_wh") == "energy wh"
    assert _words(3) == "3"
