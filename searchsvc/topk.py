"""Exact top-k by bounds: which candidates could still reach the page.

Used where a score has a cheap upper bound and a costly exact part (word positions): the
candidates are checked best bound first, in growing batches, until none left unchecked
could still reach the ``needed``-th best score.
"""

from __future__ import annotations

import numpy as np


def still_open(exact: np.ndarray, upper: np.ndarray, unchecked: np.ndarray,
               needed: int) -> np.ndarray:
    """Positions not checked yet whose upper bound could still reach the ``needed``-th best
    score known so far (ties included: scores compare to 9 decimals)."""
    if not unchecked.any():
        return np.zeros(0, dtype=np.intp)
    settled = np.where(unchecked, -np.inf, exact)
    threshold = np.round(-np.partition(-settled, needed - 1)[needed - 1], 9) \
        if needed <= len(settled) else -np.inf
    return np.flatnonzero(unchecked & (np.round(upper, 9) >= threshold))
