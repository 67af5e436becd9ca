"""Guide answers in a message's reading: the one chosen, and those offered when the bot is unsure."""

from bot.support.guide_answers import chosen_guide_answer, guide_answers_to_offer


def parse(intents, answers):
    return {
        "intent": {"name": intents[0], "confidence": 0.5},
        "intent_ranking": [{"name": name, "confidence": 0.5} for name in intents],
        "response_selector": {
            "all_retrieval_intents": ["faq"],
            "default": {
                "response": {"intent_response_key": answers[0] if answers else None},
                "ranking": [{"intent_response_key": key, "confidence": 0.4} for key in answers],
            },
        },
    }


def test_the_two_likeliest_answers_are_offered_best_first():
    data = parse(
        ["nlu_fallback", "faq", "check_renewal"],
        ["faq/renewal_slip_arrival", "faq/renewal_faster_payment", "faq/renewal_how"],
    )
    assert guide_answers_to_offer(data) == ["faq/renewal_slip_arrival", "faq/renewal_faster_payment"]


def test_a_guide_question_as_second_reading_is_enough():
    data = parse(["nlu_fallback", "check_renewal", "faq"], ["faq/renewal_window_cloud", "faq/renewal_how"])
    assert guide_answers_to_offer(data) == ["faq/renewal_window_cloud", "faq/renewal_how"]


def test_nothing_is_offered_when_no_guide_question_is_likely():
    data = parse(["nlu_fallback", "check_renewal", "apply_renewal", "faq"], ["faq/renewal_how"])
    assert guide_answers_to_offer(data) == []


def test_nothing_is_offered_without_the_selectors_ranking():
    assert guide_answers_to_offer({"intent_ranking": [{"name": "faq"}]}) == []
    assert guide_answers_to_offer({}) == []


def test_the_chosen_answer_is_read_only_for_a_guide_question():
    data = parse(["faq", "check_renewal"], ["faq/renewal_how", "faq/renewal_years"])
    assert chosen_guide_answer(data) == "faq/renewal_how"
    assert chosen_guide_answer(parse(["check_renewal", "faq"], ["faq/renewal_how"])) is None
    assert chosen_guide_answer({"intent": {"name": "faq"}}) is None
