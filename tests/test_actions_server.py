"""The action server refuses bodies that are not action calls with a 400, not rasa_sdk's 500."""

import pytest

from bot.actions_server import action_call_problem


@pytest.mark.parametrize("body, problem", [
    ({"next_action": "action_do_task", "tracker": {}, "domain": {}}, None),
    ({"next_action": "action_do_task", "tracker": {}}, None),
    ([], "the body must be a JSON object"),
    ("action_do_task", "the body must be a JSON object"),
    ({"tracker": {}}, '"next_action" must be a string'),
    ({"next_action": 5, "tracker": {}}, '"next_action" must be a string'),
    ({"next_action": "action_do_task"}, '"tracker" must be an object'),
    ({"next_action": "action_do_task", "tracker": []}, '"tracker" must be an object'),
    ({"next_action": "action_do_task", "tracker": {}, "domain": "x"}, '"domain" must be an object'),
])
def test_action_call_problems(body, problem):
    assert action_call_problem(body) == problem
