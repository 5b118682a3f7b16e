"""The privacy-budget ledger: sequential spends add, overspending is refused and records nothing."""

from __future__ import annotations

import math

import pytest

from greennb.errors import InvalidTypeError, InvalidValueError
from greennb.privacy._budget import BudgetExceededError, PrivacyBudget


@pytest.mark.parametrize("epsilon", [0, -1.0, math.inf, math.nan])
def test_budget_refuses_a_total_that_is_not_positive_and_finite(epsilon):
    with pytest.raises(InvalidValueError, match=r"epsilon must be a finite number > 0") as error:
        PrivacyBudget(epsilon)
    assert repr(epsilon) in str(error.value)


def test_budget_refuses_a_total_that_is_not_a_number():
    with pytest.raises(InvalidTypeError, match=r"epsilon must be a real number.*'1'"):
        PrivacyBudget("1")


def test_sequential_spends_add_and_the_ledger_shows_them_in_order():
    budget = PrivacyBudget(1)
    budget.spend(0.1, "counts by clinic")
    budget.spend(0.2, "counts by week")
    budget.spend(0.7, "rate by clinic")  # 0.1 + 0.2 + 0.7 fills the budget exactly
    assert budget.spent == pytest.approx(1.0)
    assert budget.remaining == pytest.approx(0.0, abs=1e-12)
    ledger = budget.ledger
    assert list(ledger.columns) == ["what", "epsilon", "cumulative"]
    assert list(ledger["what"]) == ["counts by clinic", "counts by week", "rate by clinic"]
    assert list(ledger["epsilon"]) == [0.1, 0.2, 0.7]
    assert list(ledger["cumulative"]) == pytest.approx([0.1, 0.3, 1.0])


def test_an_empty_ledger_has_its_columns():
    ledger = PrivacyBudget(2.0).ledger
    assert list(ledger.columns) == ["what", "epsilon", "cumulative"]
    assert ledger.empty


def test_overspending_is_refused_with_a_message_naming_the_budget_and_records_nothing():
    budget = PrivacyBudget(1.0)
    budget.spend(0.6, "counts by clinic")
    before = budget.ledger.copy()
    with pytest.raises(BudgetExceededError) as error:
        budget.spend(0.5, "rate by week")
    message = str(error.value)
    assert "Privacy budget ε=1 exceeded" in message
    assert "0.6 already spent on 1 release;" in message
    assert "'rate by week' asks for ε=0.5" in message
    assert "only 0.4 remains" in message
    assert budget.ledger.equals(before)
    assert budget.spent == 0.6


def test_budget_exceeded_is_a_value_error():
    assert issubclass(BudgetExceededError, InvalidValueError)
    assert issubclass(BudgetExceededError, ValueError)


def test_a_full_budget_refuses_even_a_tiny_spend():
    budget = PrivacyBudget(0.5)
    budget.spend(0.5, "all of it")
    with pytest.raises(BudgetExceededError, match="1e-06"):
        budget.spend(1e-6, "a little more")
    assert len(budget.ledger) == 1


@pytest.mark.parametrize("epsilon", [0, -0.1, math.inf])
def test_a_bad_spend_is_refused_and_records_nothing(epsilon):
    budget = PrivacyBudget(1.0)
    with pytest.raises(InvalidValueError, match=r"epsilon must be a finite number > 0"):
        budget.spend(epsilon, "counts")
    assert budget.ledger.empty


def test_what_must_name_the_release():
    budget = PrivacyBudget(1.0)
    with pytest.raises(InvalidValueError, match="non-empty str.*got ' '"):
        budget.spend(0.1, " ")
    with pytest.raises(InvalidTypeError, match="non-empty str.*got 3"):
        budget.spend(0.1, 3)
    assert budget.ledger.empty


def test_check_spends_nothing():
    budget = PrivacyBudget(1.0)
    assert budget.check(0.25, "counts") == 0.25
    assert budget.spent == 0.0
    with pytest.raises(BudgetExceededError):
        budget.check(2.0, "counts")


def test_repr_states_the_budget_the_spent_and_the_releases():
    budget = PrivacyBudget(1)
    assert repr(budget) == "PrivacyBudget(ε=1, spent 0 on 0 releases)"
    budget.spend(0.5, "a")
    assert repr(budget) == "PrivacyBudget(ε=1, spent 0.5 on 1 release)"
    budget.spend(0.1, "b")
    assert repr(budget) == "PrivacyBudget(ε=1, spent 0.6 on 2 releases)"
