"""The statistics behind every verdict of the claims.

An `Estimate` ties a two-sided p-value p(b) to intervals (the b not rejected at alpha).
Tests: percentile bootstrap, Student's t, exact sign-flip, Wilson, Newcombe's paired interval,
exact sign test.  Decisions (`between`, `exceeds`, `every`, `trend`, `at_least`) and false
discovery control read p-values.  Why: docs/design.md#stats.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from scipy import special

LEVEL = 0.95
ALPHA = 1 - LEVEL
P_FLOOR = 1e-300  # a p-value below what a double holds is shown as this, never as 0
EXACT_UP_TO = 16  # the sign-flip test enumerates all 2^n flips up to this n
FLIPS = 20_000  # random flips beyond it, seeded: p = (1 + count) / (1 + FLIPS)


@dataclass(frozen=True)
class Estimate:
    """A quantity's estimate `value` with its `test`.

    `bounds(alpha)`: the 1 - alpha interval; `p(b)`: the two-sided p-value against b (None:
    found by inverting `bounds`); `unit`, `n_units`: what the test resampled, and how many."""

    value: float
    test: str
    bounds: Callable[[float], tuple[float, float]]
    unit: str = ""
    n_units: int = 0
    p: Callable[[float], float] | None = None

    @property
    def interval(self) -> tuple[float, float]:
        """The LEVEL interval."""
        return self.bounds(ALPHA)

    @property
    def lo(self) -> float:
        return self.interval[0]

    @property
    def hi(self) -> float:
        return self.interval[1]

    @property
    def noiseless(self) -> bool:
        """Whether the interval is one point: the statistic does not move under resampling."""
        lo, hi = self.interval
        return not hi > lo

    def p_value(self, bound: float) -> float:
        """The two-sided p-value against `bound`, at least P_FLOOR."""
        p = self.p(bound) if self.p is not None else _inverted(self.bounds, bound)
        return float(min(1.0, max(P_FLOOR, p)))


def _inverted(bounds, bound: float) -> float:
    """The smallest alpha whose interval excludes `bound` (bisection over log alpha)."""
    def excludes(log_alpha):
        lo, hi = bounds(10.0 ** log_alpha)
        return bound < lo or bound > hi
    if not excludes(0.0):
        return 1.0
    low, high = math.log10(P_FLOOR), 0.0  # excludes at high
    if excludes(low):
        return P_FLOOR
    for _ in range(60):
        mid = (low + high) / 2
        low, high = (low, mid) if excludes(mid) else (mid, high)
    return 10.0 ** high


def _z(alpha: float) -> float:
    """The standard normal quantile of a two-sided 1 - alpha interval."""
    return float(-special.ndtri(alpha / 2))


def bootstrap(replicates, value: float, unit: str, n_units: int) -> Estimate:
    """A statistic with its bootstrap replicates: percentile interval and counting p-value.

    p(b) = 2 (1 + min(#{r <= b}, #{r >= b})) / (B + 1); interval [r_(m), r_(B-1-m)] of the
    sorted replicates, m = ceil(alpha (B + 1) / 2 - 1) - 1.  Why: docs/design.md#stats."""
    reps = np.sort(np.asarray(replicates, dtype=float))
    B = len(reps)

    def p(bound):
        below = np.searchsorted(reps, bound, side="right")
        above = B - np.searchsorted(reps, bound, side="left")
        return 2 * (1 + min(below, above)) / (B + 1)

    def bounds(alpha):
        m = math.ceil(alpha * (B + 1) / 2 - 1) - 1
        return (-np.inf, np.inf) if m < 0 else (float(reps[m]), float(reps[B - 1 - m]))
    return Estimate(float(value), f"paired bootstrap over {unit} ({B} replicates)", bounds, unit, n_units, p)


def t_mean(values, unit: str, test: str = "t") -> Estimate:
    """Student's t test of the mean of n values: mean +- t(n - 1) sd / sqrt(n).

    Normal values assumed, as the row says; with no spread, the exact sign-flip test instead
    (the t statistic is undefined)."""
    values = np.asarray(values, dtype=float)
    n, mean = len(values), float(values.mean())
    se = float(values.std(ddof=1) / math.sqrt(n)) if n > 1 else float("nan")
    if not se > 0:
        return sign_flip(values, unit, "exact sign-flip (no spread for the t test)")

    def bounds(alpha):
        half = -special.stdtrit(n - 1, alpha / 2) * se
        return mean - half, mean + half
    return Estimate(mean, f"{test} over {n} {unit} (normal values assumed)", bounds, unit, n,
                    lambda b: 2 * special.stdtr(n - 1, -abs(mean - b) / se))


def paired_t(a, b, unit: str) -> Estimate:
    """The paired t test of mean(b - a) over pairs (a_i, b_i) of the same unit (seed)."""
    return t_mean(np.asarray(b, dtype=float) - np.asarray(a, dtype=float), unit, "paired t")


def welch(a, b, unit: str) -> Estimate:
    """Welch's t test of mean(b) - mean(a) of unpaired runs.

    se^2 = s_a^2/n_a + s_b^2/n_b, df by Welch-Satterthwaite."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se, d = float(np.sqrt(va + vb)), float(b.mean() - a.mean())
    test = f"Welch t over {len(a)} and {len(b)} {unit} (normal values assumed)"
    if not se > 0:
        return Estimate(d, f"{test}: no spread in either cell", lambda alpha: (-np.inf, np.inf), unit,
                        len(a) + len(b), lambda bound: 1.0)
    df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))

    def bounds(alpha):
        half = -special.stdtrit(df, alpha / 2) * se
        return d - half, d + half
    return Estimate(d, test, bounds, unit, len(a) + len(b), lambda bound: 2 * special.stdtr(df, -abs(d - bound) / se))


def _flips(n: int) -> np.ndarray:
    """Sign vectors: all 2^n for n <= EXACT_UP_TO, else FLIPS seeded draws."""
    if n <= EXACT_UP_TO:
        return np.array(list(itertools.product((1.0, -1.0), repeat=n)))
    return np.random.default_rng(0).choice((1.0, -1.0), size=(FLIPS, n))


def sign_flip(differences, unit: str, test: str = "exact sign-flip permutation test") -> Estimate:
    """The exact sign-flip test of the mean of n per-unit differences.

    p(b) = #{flips s: |mean(s (d - b))| >= |mean(d - b)|} / 2^n (all flips up to EXACT_UP_TO
    units, else (1 + count) / (1 + FLIPS) over seeded flips); interval: the b not rejected."""
    d = np.asarray(differences, dtype=float)
    n, mean = len(d), float(d.mean())
    flips = _flips(n)
    scale = float(np.abs(d).max()) or 1.0

    def p(bound):
        x = d - bound
        count = int((np.abs(flips @ x) >= abs(x.sum()) - 1e-9 * scale * n).sum())
        return count / len(flips) if n <= EXACT_UP_TO else (1 + count) / (1 + FLIPS)

    def edge(alpha, side):
        inside, outside = mean, mean + side * (float(d.max() - d.min()) + scale)
        if p(outside) >= alpha:
            return side * np.inf
        for _ in range(60):
            mid = (inside + outside) / 2
            inside, outside = (mid, outside) if p(mid) >= alpha else (inside, mid)
        return inside

    name = f"{test} over {n} {unit}" + ("" if n <= EXACT_UP_TO else f" ({FLIPS} random flips)")
    return Estimate(mean, name, lambda alpha: (edge(alpha, -1), edge(alpha, 1)), unit, n, p)


def _wilson(successes: float, n: float, alpha: float) -> tuple[float, float]:
    """Wilson's score interval of a proportion.

    (p + z^2/2n +- z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n), p = successes / n."""
    z, p = _z(alpha), successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return float(max(0.0, centre - half)), float(min(1.0, centre + half))


def wilson(successes: int, n: int, unit: str) -> Estimate:
    """A proportion successes / n with Wilson's score test and interval.

    p(b) = 2 Phi(-|p - b| / sqrt(b (1 - b) / n)); the interval is the set of b it does not
    reject, valid near 0 and 1 where a percentile bootstrap collapses to a point."""
    share = successes / n

    def p(bound):
        se = math.sqrt(bound * (1 - bound) / n) if 0 < bound < 1 else 0.0
        return float(2 * special.ndtr(-abs(share - bound) / se)) if se > 0 else float(share == bound)
    return Estimate(share, f"Wilson score test over {n} {unit}", lambda alpha: _wilson(successes, n, alpha),
                    unit, n, p)


def _newcombe(both: int, only_a: int, only_b: int, neither: int, alpha: float) -> tuple[float, float]:
    """Newcombe's square-and-add interval (1998, method 10) of paired p_a - p_b.

    Wilson intervals [l_a, u_a], [l_b, u_b], pair correlation phi:
    lo = d - sqrt((p_a - l_a)^2 + (u_b - p_b)^2 - 2 phi (p_a - l_a)(u_b - p_b)),
    hi = d + sqrt((p_b - l_b)^2 + (u_a - p_a)^2 - 2 phi (p_b - l_b)(u_a - p_a))."""
    n = both + only_a + only_b + neither
    a_yes, a_no, b_yes, b_no = both + only_a, only_b + neither, both + only_b, only_a + neither
    pa, pb = a_yes / n, b_yes / n
    la, ua = _wilson(a_yes, n, alpha)
    lb, ub = _wilson(b_yes, n, alpha)
    phi = 0.0
    if min(a_yes, a_no, b_yes, b_no) > 0:
        cross = both * neither - only_a * only_b
        cross = cross - n / 2 if cross > n / 2 else 0.0 if cross >= 0 else cross
        phi = cross / np.sqrt(float(a_yes) * a_no * b_yes * b_no)
    d = pa - pb
    lo = d - np.sqrt(max(0.0, (pa - la) ** 2 + (ub - pb) ** 2 - 2 * phi * (pa - la) * (ub - pb)))
    hi = d + np.sqrt(max(0.0, (pb - lb) ** 2 + (ua - pa) ** 2 - 2 * phi * (pb - lb) * (ua - pa)))
    return float(lo), float(hi)


def newcombe(both: int, only_a: int, only_b: int, neither: int, unit: str) -> Estimate:
    """p_a - p_b of two proportions over the same items, with Newcombe's paired interval.

    From the 2x2 table of paired 0/1 outcomes (both, only a, only b, neither); p by inverting
    the interval."""
    n = both + only_a + only_b + neither
    return Estimate((only_a - only_b) / n, f"Newcombe paired score interval over {n} {unit}",
                    lambda alpha: _newcombe(both, only_a, only_b, neither, alpha), unit, n)


def sign_test(wins: int, losses: int, unit: str, test: str = "exact sign test") -> Estimate:
    """The share of wins among the decided pairs (ties dropped), with the exact binomial test.

    wins / n, n = wins + losses; p(b) = min(1, 2 min(P(X <= wins), P(X >= wins))), X ~
    Binomial(n, b); the Clopper-Pearson interval.  Why: docs/design.md#stats."""
    n = wins + losses

    def p(bound):
        low = special.bdtr(wins, n, bound)
        high = special.bdtrc(wins - 1, n, bound) if wins > 0 else 1.0
        return min(1.0, 2 * min(low, high))

    def bounds(alpha):
        lo = float(special.betaincinv(wins, n - wins + 1, alpha / 2)) if wins > 0 else 0.0
        hi = float(special.betaincinv(wins + 1, n - wins, 1 - alpha / 2)) if wins < n else 1.0
        return lo, hi
    if not n:
        return Estimate(float("nan"), f"{test} over 0 decided {unit}", lambda alpha: (np.nan, np.nan), unit, 0,
                        lambda bound: float("nan"))
    return Estimate(wins / n, f"{test} over {n} decided {unit}", bounds, unit, n, p)


def hull(first: Estimate, second: Estimate) -> Estimate:
    """`first` with the interval that covers both its own and `second`'s, p the larger.

    For two sources of noise of which each may be the larger (training seeds and test items)."""
    def bounds(alpha):
        (a, b), (c, d) = first.bounds(alpha), second.bounds(alpha)
        return min(a, c), max(b, d)
    return Estimate(first.value, f"{first.test}, widened to {second.test}", bounds, first.unit, first.n_units,
                    lambda bound: max(first.p_value(bound), second.p_value(bound)))


def bonferroni(estimate: Estimate, m: int) -> Estimate:
    """`estimate` as one of m comparisons: p times m, the interval at alpha / m."""
    if m == 1:
        return estimate
    return replace(estimate, test=f"{estimate.test}, Bonferroni over {m} comparisons",
                   bounds=lambda alpha: estimate.bounds(alpha / m), p=lambda b: m * estimate.p_value(b))


@dataclass(frozen=True)
class Decision:
    """A verdict, its p-value, and the reason when undecided.

    `holds` True, False or None (undecided); `estimate` and `comparison`, the comparison that
    decided it where the rule had several (a trend's failing step, a conjunction's weakest part)."""

    holds: bool | None
    p: float = float("nan")
    reason: str = ""
    estimate: Estimate | None = None
    comparison: str = ""


def between(estimate: Estimate, lower: float = -np.inf, upper: float = np.inf, comparison: str = "") -> Decision:
    """Whether a quantity lies in [lower, upper] (a bound may be infinite).

    Holds if the interval lies inside (each finite bound rejected: p the larger), fails if it
    lies beyond one bound (p at that bound), undecided otherwise (p of the test nearest to
    deciding), or when the statistic equals its bound on every resample."""
    lo, hi = estimate.interval
    p_low = estimate.p_value(lower) if np.isfinite(lower) else 0.0
    p_high = estimate.p_value(upper) if np.isfinite(upper) else 0.0
    def decided(holds, p, reason=""):
        return Decision(holds, p, reason, estimate, comparison)
    if hi < lower or lo > upper:
        return decided(False, p_low if hi < lower else p_high)
    if (lo > lower or not np.isfinite(lower)) and (hi < upper or not np.isfinite(upper)):
        return decided(True, max(p_low, p_high))
    on_edge = estimate.noiseless and estimate.value in (lower, upper)
    if estimate.value < lower or estimate.value > upper:
        p = p_low if estimate.value < lower else p_high
    else:
        p = max(p_low, p_high)
    return decided(None, p, "equal to the bound on every resample" if on_edge else "within the noise")


def exceeds(estimate: Estimate, bound: float = 0.0, sign: int = 1, comparison: str = "") -> Decision:
    """Whether a quantity lies above `bound` (sign 1) or below it (sign -1), beyond its noise."""
    return between(estimate, bound, np.inf, comparison) if sign > 0 else between(estimate, -np.inf, bound, comparison)


def within(estimate: Estimate, tolerance: float, comparison: str = "") -> Decision:
    """Whether |quantity| <= tolerance (equivalence: both one-sided bounds rejected)."""
    return between(estimate, -tolerance, tolerance, comparison)


def every(parts: list[tuple[str, Estimate, float, float]]) -> Decision:
    """A conjunction: each of k quantities (label, estimate, lower, upper) lies in its bounds.

    Intersection-union test: holds if every part holds, p the largest of theirs; fails if some
    part lies outside beyond its Bonferroni level alpha / k, p = k times its own; undecided
    otherwise, p the largest."""
    k = len(parts)
    if not k:
        return Decision(None, reason="nothing to check")
    decisions = [between(bonferroni(e, k), lower, upper, label) for label, e, lower, upper in parts]
    failed = [d for d in decisions if d.holds is False]
    if failed:
        return min(failed, key=lambda d: d.p)
    plain = [between(e, lower, upper, label) for label, e, lower, upper in parts]
    weakest = max(plain, key=lambda d: d.p if d.holds else 2 + d.p)
    if all(d.holds for d in plain):
        return weakest
    return Decision(None, weakest.p, f"{weakest.comparison}: {weakest.reason}", weakest.estimate, weakest.comparison)


def trend(comparisons: list[tuple[str, Estimate]], sign: int) -> Decision:
    """Whether a statistic rises (sign 1) or falls (sign -1) over ordered cells.

    `comparisons`: the ends (first to last cell), then each neighbours' step.  Fails if one of
    the m tests goes against beyond alpha / m (Bonferroni); holds if the ends go the claimed
    way beyond LEVEL and none goes against; else undecided.  Why: docs/design.md#stats."""
    ends_label, ends = comparisons[0]
    tests = comparisons[:1] if len(comparisons) <= 2 else comparisons
    m = len(tests)
    against = [exceeds(bonferroni(e, m), 0.0, -sign, label) for label, e in tests]
    against = [d for d in against if d.holds]
    if against:
        worst = min(against, key=lambda d: d.p)
        return replace(worst, holds=False)
    decision = exceeds(ends, 0.0, sign, ends_label)
    if decision.holds is False:  # against at LEVEL, not beyond the Bonferroni level of the m tests
        return replace(decision, holds=None, reason=f"against the claim, within the noise of {m} comparisons")
    return decision


def partial_conjunction(p_values, u: int) -> float:
    """The p-value that at least u of K hypotheses are false (Benjamini & Heller 2008).

    Bonferroni's combination of the K - u + 1 largest p-values: (K - u + 1) p_(u)."""
    p = np.sort(np.asarray(p_values, dtype=float))
    return float(min(1.0, (len(p) - u + 1) * p[u - 1])) if 0 < u <= len(p) else 1.0


def at_least(decisions: list[Decision], share: float, unit: str) -> Decision:
    """A claim that holds in at least `share` of K parts, from the parts' decisions.

    u = ceil(share K): holds if the partial-conjunction p of "at least u hold" is below ALPHA;
    fails if that of "at least K - u + 1 fail" is; else undecided.  Estimate: the share that
    holds.  Why: docs/design.md#stats."""
    k = len(decisions)
    u = math.ceil(share * k - 1e-9)
    held = partial_conjunction([d.p if d.holds is True else 1.0 for d in decisions], u)
    failed = partial_conjunction([d.p if d.holds is False else 1.0 for d in decisions], k - u + 1)
    count = sum(d.holds is True for d in decisions)
    estimate = Estimate(count / k, f"partial conjunction (Benjamini-Heller, Bonferroni) over {k} {unit}: "
                        f"at least {u} hold", lambda alpha: (np.nan, np.nan), unit, k)
    if held < ALPHA:
        return Decision(True, held, "", estimate)
    if failed < ALPHA:
        return Decision(False, failed, "", estimate)
    return Decision(None, min(held, failed), "within the noise", estimate)


def false_discovery(p_values) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values of a family of comparisons (NaN stays NaN)."""
    from scipy.stats import false_discovery_control  # slow to import; see the module's docstring

    p = np.asarray(p_values, dtype=float)
    out = np.full(len(p), np.nan)
    tested = np.isfinite(p)
    if tested.any():
        out[tested] = false_discovery_control(p[tested], method="bh")
    return out


def t_half_width(sd, n, level: float = LEVEL):
    """The half width of the t interval of a mean.

    t(n - 1) sd / sqrt(n) for a mean of n values with sd `sd` (elementwise; NaN where n < 2)."""
    sd, n = np.asarray(sd, dtype=float), np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 1, special.stdtrit(np.maximum(n - 1, 1), 1 - (1 - level) / 2) * sd / np.sqrt(n), np.nan)
