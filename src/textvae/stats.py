"""The statistics behind every verdict of the claims.

An estimate with its interval at any level, the tests that give it (paired bootstrap, paired and
one-sample t, Welch's t, Wilson's score interval, Newcombe's paired interval, the exact sign test),
the decisions taken from the interval, and the control of the false discovery rate over a run's
comparisons.

An `Estimate` carries `bounds(level) -> (lo, hi)`; its two-sided p-value against a value b is
the largest 1 - level at which the interval still excludes b (found by bisection), so a
decision at LEVEL and its p-value always agree: the interval excludes b exactly when p < ALPHA.
Written here because scipy.stats gives some of these intervals (t, exact binomial) but not the
paired bootstrap of statistics computed in separate jobs, Newcombe's paired interval or the
inversion that ties every interval to its p-value.  scipy.special gives the distributions;
scipy.stats is imported only where it is needed, as the registry imports this module at every
snakemake start.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import special

LEVEL = 0.95
ALPHA = 1 - LEVEL


@dataclass(frozen=True)
class Estimate:
    """An estimate with its test and its confidence interval.

    A quantity's estimate `value`, the `test` that gives its noise, and `bounds`, its
    two-sided interval at a confidence level."""

    value: float
    test: str
    bounds: Callable[[float], tuple[float, float]]

    @property
    def interval(self) -> tuple[float, float]:
        """The LEVEL interval."""
        return self.bounds(LEVEL)

    @property
    def lo(self) -> float:
        return self.interval[0]

    @property
    def hi(self) -> float:
        return self.interval[1]

    @property
    def noiseless(self) -> bool:
        """Whether the interval is one point: the statistic does not move under its noise."""
        lo, hi = self.bounds(1 - 1e-6)
        return not hi > lo

    def p_value(self, bound: float) -> float:
        """The two-sided p-value of the estimate against `bound`.

        The largest alpha whose 1 - alpha interval still
        excludes it (1 where even the narrowest interval holds it)."""
        def excludes(alpha):
            lo, hi = self.bounds(1 - alpha)
            return bound < lo or bound > hi
        if not excludes(1 - 1e-9):
            return 1.0
        if excludes(1e-12):
            return 0.0
        low, high = 1e-12, 1 - 1e-9  # excludes at high, not at low
        for _ in range(60):
            mid = (low + high) / 2
            low, high = (low, mid) if excludes(mid) else (mid, high)
        return high


def _z(level: float) -> float:
    """The standard normal quantile of a two-sided `level` interval."""
    return float(special.ndtri(1 - (1 - level) / 2))


def _t(level: float, df: float) -> float:
    """Student's t quantile of a two-sided `level` interval with `df` degrees of freedom."""
    return float(special.stdtrit(df, 1 - (1 - level) / 2))


def t_half_width(sd, n, level: float = LEVEL):
    """The half width of the t interval of a mean.

    t(n - 1) sd / sqrt(n) for a mean of n values with sd `sd` (elementwise; NaN where n < 2)."""
    sd, n = np.asarray(sd, dtype=float), np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 1, special.stdtrit(np.maximum(n - 1, 1), 1 - (1 - level) / 2) * sd / np.sqrt(n), np.nan)


def bootstrap(replicates, value: float, items: str) -> Estimate:
    """The percentile interval of a statistic's bootstrap replicates.

    For a difference between cells, the replicate differences, paired by the same resamples of `items`."""
    replicates = np.asarray(replicates, dtype=float)

    def bounds(level):
        tail = 100 * (1 - level) / 2
        lo, hi = np.percentile(replicates, [tail, 100 - tail])
        return float(lo), float(hi)
    return Estimate(float(value), f"paired bootstrap over {items} ({len(replicates)} replicates)", bounds)


def t_mean(values, test: str) -> Estimate:
    """Student's t interval of the mean of `values`: mean +- t(n - 1) sd / sqrt(n)."""
    values = np.asarray(values, dtype=float)
    mean, n = float(values.mean()), len(values)
    se = float(values.std(ddof=1) / np.sqrt(n)) if n > 1 else float("nan")
    return Estimate(mean, test, lambda level: (mean - _t(level, n - 1) * se, mean + _t(level, n - 1) * se))


def paired_t(a, b) -> Estimate:
    """The paired t interval of mean(b - a) over pairs (a_i, b_i): the same seeds in both."""
    return t_mean(np.asarray(b, dtype=float) - np.asarray(a, dtype=float), f"paired t over {len(a)} seeds")


def welch(a, b) -> Estimate:
    """Welch's t interval of the difference of two unpaired means.

    For mean(b) - mean(a) of unpaired runs: se^2 = s_a^2/n_a + s_b^2/n_b,
    df by Welch-Satterthwaite."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se, d = float(np.sqrt(va + vb)), float(b.mean() - a.mean())
    df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1)) if se > 0 else len(a) + len(b) - 2
    return Estimate(d, f"Welch t over {len(a)} and {len(b)} seeds", lambda level: (d - _t(level, df) * se,
                                                                                 d + _t(level, df) * se))


def _wilson(successes: float, n: float, level: float) -> tuple[float, float]:
    """Wilson's score interval of a proportion.

    (p + z^2/2n +- z sqrt(p(1-p)/n + z^2/4n^2)) /
    (1 + z^2/n), p = successes / n."""
    z, p = _z(level), successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return float(max(0.0, centre - half)), float(min(1.0, centre + half))


def wilson(successes: int, n: int) -> Estimate:
    """A proportion successes / n with Wilson's score interval.

    The interval is valid near 0 and 1, where the percentile bootstrap collapses to a point."""
    return Estimate(successes / n, f"Wilson score interval over {n}", lambda level: _wilson(successes, n, level))


def _newcombe(both: int, only_a: int, only_b: int, neither: int, level: float) -> tuple[float, float]:
    """Newcombe's square-and-add interval of a paired difference of proportions.

    Newcombe (1998, method 10), for p_a - p_b of paired 0/1 outcomes: with Wilson intervals
    [l_a, u_a], [l_b, u_b] and phi the (corrected) correlation
    of the pairs, lo = d - sqrt((p_a - l_a)^2 + (u_b - p_b)^2 - 2 phi (p_a - l_a)(u_b - p_b)),
    hi = d + sqrt((p_b - l_b)^2 + (u_a - p_a)^2 - 2 phi (p_b - l_b)(u_a - p_a))."""
    n = both + only_a + only_b + neither
    a_yes, a_no, b_yes, b_no = both + only_a, only_b + neither, both + only_b, only_a + neither
    pa, pb = a_yes / n, b_yes / n
    la, ua = _wilson(a_yes, n, level)
    lb, ub = _wilson(b_yes, n, level)
    phi = 0.0
    if min(a_yes, a_no, b_yes, b_no) > 0:
        cross = both * neither - only_a * only_b
        cross = cross - n / 2 if cross > n / 2 else 0.0 if cross >= 0 else cross
        phi = cross / np.sqrt(float(a_yes) * a_no * b_yes * b_no)
    d = pa - pb
    lo = d - np.sqrt(max(0.0, (pa - la) ** 2 + (ub - pb) ** 2 - 2 * phi * (pa - la) * (ub - pb)))
    hi = d + np.sqrt(max(0.0, (pb - lb) ** 2 + (ua - pa) ** 2 - 2 * phi * (pb - lb) * (ua - pa)))
    return float(lo), float(hi)


def newcombe(both: int, only_a: int, only_b: int, neither: int) -> Estimate:
    """The difference of two paired proportions with Newcombe's paired interval.

    p_a - p_b of two proportions over the same items (a 2x2 table of paired 0/1 outcomes: both,
    only a, only b, neither)."""
    n = both + only_a + only_b + neither
    return Estimate((only_a - only_b) / n, f"Newcombe paired score interval over {n}",
                    lambda level: _newcombe(both, only_a, only_b, neither, level))


def _clopper_pearson(k: int, n: int, level: float) -> tuple[float, float]:
    """The exact Clopper-Pearson interval of a binomial proportion.

    The beta quantiles
    B(tail; k, n - k + 1) and B(1 - tail; k + 1, n - k)."""
    tail = (1 - level) / 2
    lo = float(special.betaincinv(k, n - k + 1, tail)) if k > 0 else 0.0
    hi = float(special.betaincinv(k + 1, n - k, 1 - tail)) if k < n else 1.0
    return lo, hi


def sign_test(wins: int, losses: int, test: str = "exact sign test") -> Estimate:
    """The share of wins among the decided pairs, with the exact sign test.

    Ties are dropped: wins / (wins + losses), with
    its exact Clopper-Pearson interval; against 1/2 it is the exact sign test (McNemar's exact
    test where the pairs are paired 0/1 outcomes), with the central two-sided p-value."""
    n = wins + losses
    return Estimate(wins / n if n else float("nan"), f"{test} over {n} decided pairs",
                    lambda level: _clopper_pearson(wins, n, level) if n else (float("nan"), float("nan")))


def hull(first: Estimate, second: Estimate) -> Estimate:
    """`first` with the interval that covers both its own and `second`'s at every level.

    It covers the noise of two sources of which each may be the larger (training seeds and test
    items)."""
    def bounds(level):
        (a, b), (c, d) = first.bounds(level), second.bounds(level)
        return min(a, c), max(b, d)
    return Estimate(first.value, f"{first.test}, widened to {second.test}", bounds)


@dataclass(frozen=True)
class Decision:
    """A verdict taken from an estimate, with its p-value and the reason when undecided.

    `holds` True, False or None (undecided), the p-value
    of the test behind it, and `reason`, why it is undecided (empty otherwise)."""

    holds: bool | None
    p: float = float("nan")
    reason: str = ""


def exceeds(estimate: Estimate, bound: float = 0.0, sign: int = 1) -> Decision:
    """Whether a quantity lies above or below `bound`.

    Above for sign 1, below for sign -1: holds if the
    interval lies beyond it on that side, fails if it lies on the other side (or on it),
    undecided if it holds `bound`, or if it is one point (no noise estimate)."""
    lo, hi = estimate.interval
    if not np.isfinite([lo, hi]).all():
        return Decision(None, reason="no noise estimate")
    if estimate.noiseless:
        return Decision(None, reason="no noise estimate: the statistic does not move on any resample")
    p = estimate.p_value(bound)
    lo, hi = (lo, hi) if sign > 0 else (-hi, -lo)
    bound = bound if sign > 0 else -bound
    if lo > bound:
        return Decision(True, p)
    if hi <= bound:
        return Decision(False, p)
    return Decision(None, p, "within the noise")


def within(estimate: Estimate, tolerance: float) -> Decision:
    """Whether a quantity lies within +-tolerance of zero: |quantity| <= tolerance.

    Holds if the interval lies within +-tolerance (both
    one-sided tests reject, p the larger), fails if it lies wholly outside, undecided
    otherwise."""
    lo, hi = estimate.interval
    if not np.isfinite([lo, hi]).all():
        return Decision(None, reason="no noise estimate")
    if estimate.noiseless:
        return Decision(None, reason="no noise estimate: the statistic does not move on any resample")
    below, above = estimate.p_value(-tolerance), estimate.p_value(tolerance)
    if -tolerance <= lo and hi <= tolerance:
        return Decision(True, max(below, above))
    if lo > tolerance or hi < -tolerance:
        return Decision(False, above if lo > tolerance else below)
    outside = above if estimate.value > tolerance else below if estimate.value < -tolerance else None
    return Decision(None, max(below, above) if outside is None else outside, "within the noise")


def false_discovery(p_values) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values of a family of comparisons.

    NaN stays NaN. A
    verdict whose adjusted p is below ALPHA keeps the false discovery rate of the family's
    verdicts at ALPHA."""
    from scipy.stats import false_discovery_control  # slow to import; see the module's docstring

    p = np.asarray(p_values, dtype=float)
    out = np.full(len(p), np.nan)
    tested = np.isfinite(p)
    if tested.any():
        out[tested] = false_discovery_control(p[tested], method="bh")
    return out


def _against(estimate: Estimate, sign: int, level: float) -> bool:
    """Whether the quantity goes the other way than `sign` beyond its `level` interval."""
    lo, hi = estimate.bounds(level)
    return (hi < 0) if sign > 0 else (lo > 0)


def trend(ends: Estimate | None, steps: list[Estimate | None], sign: int) -> Decision:
    """Whether a statistic rises or falls over ordered cells.

    Rises for sign 1, falls for sign -1, judged from the change
    between the first and last cell (`ends`) and between neighbours (`steps`): fails if one of
    these m comparisons goes against beyond its interval at level 1 - ALPHA / m (Bonferroni;
    m = 1 where there is one step, which is the ends), holds if the ends go the claimed way
    beyond the LEVEL interval and none goes against, undecided otherwise."""
    if ends is None or any(step is None for step in steps):
        return Decision(None, reason="no noise estimate (bootstrap replicates or seeds)")
    tests = [ends] if len(steps) == 1 else [ends, *steps]
    m = len(tests)
    against = [min(1.0, m * e.p_value(0.0)) for e in tests
               if not e.noiseless and _against(e, sign, 1 - ALPHA / m)]
    if against:
        return Decision(False, min(against))
    decision = exceeds(ends, 0.0, sign)
    if decision.holds is False:  # against at LEVEL, not beyond the Bonferroni level of the m tests
        return Decision(None, decision.p, f"against the claim, within the noise of {m} comparisons")
    return decision


def every(values: list[tuple[float, Estimate | None, float, float]]) -> Decision:
    """A check that must hold for each of k quantities.

    Each quantity is (value, estimate, lower, upper); the check fails
    if some estimate lies wholly outside [lower, upper] beyond its interval at level
    1 - ALPHA / k (Bonferroni over the k), holds if every value lies within, undecided if some
    value lies outside within its noise."""
    k = len(values)
    beyond = []
    for _, estimate, lower, upper in values:
        if estimate is None or estimate.noiseless:
            continue
        lo, hi = estimate.bounds(1 - ALPHA / k)
        if lo > upper or hi < lower:
            beyond.append(min(1.0, k * estimate.p_value(upper if lo > upper else lower)))
    if beyond:
        return Decision(False, min(beyond))
    if all(lower <= value <= upper for value, _, lower, upper in values):
        return Decision(True)
    return Decision(None, reason=f"outside the bounds within the noise (Bonferroni over {k})")


def all_exceed(estimates: list[Estimate], bound: float) -> Decision:
    """Whether each of k quantities exceeds `bound`.

    Holds if every interval lies above it (an intersection-union test: p the largest), fails if
    some lies below it beyond its interval at level 1 - ALPHA / k (Bonferroni: p = k x the
    smallest), undecided otherwise."""
    k = len(estimates)
    if not k or any(not np.isfinite(e.interval).all() for e in estimates):
        return Decision(None, reason="no noise estimate for every comparison")
    below = [min(1.0, k * e.p_value(bound)) for e in estimates if e.bounds(1 - ALPHA / k)[1] < bound]
    if below:
        return Decision(False, min(below))
    if all(e.lo > bound for e in estimates):
        return Decision(True, max(e.p_value(bound) for e in estimates))
    return Decision(None, max(e.p_value(bound) for e in estimates), "within the noise")
