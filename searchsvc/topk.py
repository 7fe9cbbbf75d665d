"""Orders of hits, and exact top-k by bounds.

:func:`best_first` and :func:`by_date` put hits in a page's order (the engines' sort, and
related coverage's own rescoring). :func:`still_open` is used where a score has a cheap
upper bound and a costly exact part (word positions): the candidates are checked best
bound first, in growing batches, until none left unchecked could still reach the
``needed``-th best score.
"""

from __future__ import annotations

import numpy as np

from .fields import UNDATED


def best_first(docs: np.ndarray, scores: np.ndarray, tiebreak: tuple[np.ndarray, ...],
               limit: int | None) -> np.ndarray:
    """Positions of the ``limit`` best (all when None): by score (to 9 decimals, so that
    float noise does not reorder equal scores), then by the ``tiebreak`` keys."""
    rounded = np.round(scores, 9)
    if limit is not None and limit < len(docs):
        # Only what can reach the page is sorted: everything tied with the last one in.
        threshold = -np.partition(-rounded, limit - 1)[limit - 1]
        candidates = np.flatnonzero(rounded >= threshold)
    else:
        candidates = np.arange(len(docs))
    keys = tuple(key[candidates] for key in reversed(tiebreak)) + (-rounded[candidates],)
    ordered = candidates[np.lexsort(keys)]
    return ordered if limit is None else ordered[:limit]


def by_date(day_codes: np.ndarray, days: list[str], keys: tuple[np.ndarray, ...],
            newest: bool) -> np.ndarray:
    """Positions by date (newest or oldest first), undated last; the same day by ``keys``
    (article code, then paragraph number)."""
    day = np.asarray(day_codes, dtype=np.int64)
    undated = day == (days.index(UNDATED) if UNDATED in days else -1)
    return np.lexsort(tuple(reversed(keys)) + (-day if newest else day, undated))


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
