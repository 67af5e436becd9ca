"""Several trainings of one classifier, read together.

DIET trained again with another seed changed the blind set's wrong guide answers from 19 to 16,
and from 16 to 18: each training is sure of itself on wording it never saw, each on other
messages. Averaging the readings of trainings with different seeds keeps what they agree on and
lowers the confidence where they do not, which the fallback then refuses.
"""

from __future__ import annotations

from typing import Dict, List, Sequence

Ranking = Sequence[Dict]  # Rasa's intent ranking: [{"name": ..., "confidence": ...}, ...]


def average_rankings(readings: Sequence[Ranking], length: int) -> List[Dict]:
    """The `length` first of one ranking, best first: each intent's confidence averaged over the
    readings, an intent a reading leaves out counting 0 in it."""
    readings = [reading for reading in readings if reading]
    if not readings:
        return []
    totals: Dict[str, float] = {}
    for reading in readings:
        for entry in reading:
            totals[entry["name"]] = totals.get(entry["name"], 0.0) + float(entry["confidence"])
    best_first = sorted(totals.items(), key=lambda item: -item[1])[:length]
    return [{"name": name, "confidence": total / len(readings)} for name, total in best_first]
