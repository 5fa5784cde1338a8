"""Bootstrap replicates that give the noise behind a comparison.

Replicate r recomputes a statistic on the r-th resample (n items drawn with replacement) of
its items.  Resamples depend only on (n, replicates, seed), so cells scoring the same items in
the same order get paired replicates, even in separate jobs.  Why: docs/design.md#bootstrap.
"""

from __future__ import annotations

import numpy as np


def resamples(n: int, replicates: int, seed: int) -> np.ndarray:
    """(replicates, n) item indices, each row n draws with replacement from range(n)."""
    return np.random.default_rng(seed).integers(0, n, size=(replicates, n))


def resample_counts(n: int, replicates: int, seed: int, max_entries: int = 2 ** 24):
    """Bootstrap resamples as counts of how often each item is drawn.

    The resamples of `resamples(n, replicates, seed)`: (c, n) arrays of how often
    each item is drawn, c rows at a time so that no array holds more than `max_entries`."""
    rng = np.random.default_rng(seed)
    step = max(1, max_entries // n)
    for first in range(0, replicates, step):
        c = min(step, replicates - first)
        rows = rng.integers(0, n, size=(c, n)) + n * np.arange(c)[:, None]
        yield np.bincount(rows.ravel(), minlength=c * n).reshape(c, n).astype(np.float64)
