"""Japanese language layer: fugashi tokenization in spaCy, domain entities and dates, the questions
in a message, the sentence encoder and the checks on a guide answer."""
