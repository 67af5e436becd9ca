"""The two intents by which the bot says it cannot answer, and the kind of non-answer each is
(the label /metrics counts it under)."""

FALLBACK_OF_INTENT = {"nlu_fallback": "not_understood", "out_of_scope": "not_in_guides"}
