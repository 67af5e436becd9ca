"""The time a message may take counts from the moment it is taken up, as the customer counts it."""

import time

from bot.runtime.guards import _TurnBudget


def test_time_spent_understanding_a_message_is_taken_from_its_actions_budget():
    budget = _TurnBudget(0.5)
    time.sleep(0.3)  # understanding the message, waiting for its conversation's lock
    assert budget.left() <= 0.2


def test_a_spent_budget_leaves_nothing_not_a_negative_time():
    budget = _TurnBudget(0.05)
    time.sleep(0.1)
    assert budget.left() == 0.0
