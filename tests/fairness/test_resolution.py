"""Accuracy differences against the 1/n resolution of a test set."""

import pytest

from greennb.errors import GreennbError
from greennb.fairness import accuracy_difference


def test_one_row_is_not_beyond_the_resolution():
    result = accuracy_difference(201 / 250, 200 / 250, n_rows=250, names=("mlp", "logistic"))
    assert result.step == pytest.approx(0.004)
    assert result.rows == 1
    assert not result.beyond_resolution
    assert "no difference this test set can resolve" in str(result)


def test_two_rows_are_beyond_it():
    result = accuracy_difference(198 / 250, 200 / 250, n_rows=250, names=("mlp", "logistic"))
    assert result.rows == -2
    assert result.beyond_resolution
    assert str(result).endswith("logistic is ahead by more than the resolution")


def test_identical_accuracies():
    result = accuracy_difference(0.5, 0.5, n_rows=10)
    assert (result.difference, result.rows, result.beyond_resolution) == (0.0, 0, False)


@pytest.mark.parametrize(
    ("a", "b", "n"), [(1.2, 0.5, 10), (0.5, -0.1, 10), (0.5, 0.5, 0), (0.5, 0.5, 2.5)]
)
def test_bad_input(a, b, n):
    with pytest.raises(GreennbError):
        accuracy_difference(a, b, n_rows=n)
