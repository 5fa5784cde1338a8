"""The papers' claims (docs/experiments.md lists them per experiment), each decided by a rule
written down once here from the numbers of the pipeline's tables and the noise behind them.

Every claim is decided `holds`, `fails` or `undecided`; its `evidence` gives the numbers, the
95 % interval of each comparison, and for undecided the reason.  The noise of a comparison
between cells is the paired bootstrap interval of its difference (textvae.bootstrap: the
tables' `*_bootstrap.parquet` companions hold each statistic on the same resamples of the
test sentences, pairs, paths or samples in every cell); where a model was trained with
several seeds (an experiment's `train_seeds`: runs `{model}-s{seed}`, pooled by
textvae.tables.over_seeds) or a value comes from several seeds (A5's LMs), it is Welch's t
interval over the seeds, which holds the noise of training as well as of the test set; where
it is the end of a training curve (B1), two standard errors of its values over the last EARLY
share of the steps (over the seeds, where there are several).  Checks that must hold for
every run (R within 1 of C, the bounds by the entropy) look at each seed's run.

Rules, with [lo, hi] the interval of a change d (later C minus earlier C, or a minus b):
- "rises" (d > 0): holds if lo > 0, fails if hi <= 0, undecided otherwise; "falls" mirrors it.
- "rises / falls as C grows" over several C: the change from the smallest to the largest C
  decides as above, and any step between neighbouring C that goes the other way beyond its
  noise fails the claim.
- "p1 ~ p2": |p1 - p2| <= SAME: holds if [lo, hi] lies within +-SAME, fails if it lies
  outside; "near 1": p1 >= NEAR_ONE beyond noise; "far below": p1 - p2 >= FAR_BELOW beyond
  noise.  A6 decides them per Marvin & Linzen category, and summarises: holds if they hold in
  at least CATEGORY_SHARE of the categories, fails if they fail in more than 1 - CATEGORY_SHARE.
- "beats" (pairwise judge): holds if more than 50 % wins among decided pairs with a two-sided
  binomial p-value below ALPHA, fails if fewer than 50 % with p < ALPHA, undecided otherwise.
- "falls after the early phase" (a training curve): the drop from its highest value after
  the first EARLY share of the steps to its final value exceeds DROP of that value.
- "tracks": the final values differ by at most TRACK of the reference's size.
- Checks of what must hold (R within 1 of C, bounds by the entropy): fail only where a value
  is on the wrong side beyond its noise, are undecided where a value is on the wrong side
  within it, and hold otherwise.
- "the rate carries information": R - MI <= OFF_INFORMATION R, beyond two standard errors of
  the MI estimate.
A claim whose experiment lacks what it needs (a role of model, a second C, a scheme of the
method) is undecided and says what is missing.  `holds` is outcome == "holds".
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import t as student_t

from .bootstrap import LEVEL, interval
from .config import parse_model_id, without_seed
from .tables import over_seeds

NEAR_ONE, SAME, FAR_BELOW, CATEGORY_SHARE = 0.9, 0.05, 0.1, 0.8
TRACK, EARLY, DROP = 0.05, 0.1, 0.01
ALPHA = 1 - LEVEL
OFF_INFORMATION, STANDARD_ERRORS = 0.5, 2.0
SATURATED = 1.0  # % of samples from either end
COVERS, MOSTLY_UNK = 5.0, 50.0  # % of the test tokens a vocabulary maps to <unk>


def _row(claim, experiment, corpus, statement, holds, evidence):
    """A claim's row; `holds` None means undecided."""
    outcome = "undecided" if holds is None else "holds" if holds else "fails"
    return dict(claim=claim, experiment=experiment, corpus=corpus, statement=statement,
                outcome=outcome, holds=outcome == "holds", evidence=evidence)


def exceeds(lo: float, hi: float, bound: float = 0.0) -> bool | None:
    """Whether a quantity with interval [lo, hi] exceeds `bound`: True if lo > bound, False if
    hi <= bound, None (undecided) between."""
    return True if lo > bound else False if hi <= bound else None


def within(lo: float, hi: float, tolerance: float) -> bool | None:
    """Whether |quantity| <= tolerance: True if [lo, hi] lies within +-tolerance, False if it
    lies wholly outside, None otherwise."""
    if -tolerance <= lo and hi <= tolerance:
        return True
    return False if lo > tolerance or hi < -tolerance else None


def _span(lo, hi) -> str:
    return f"[{lo:+.3g}, {hi:+.3g}]"


def draws(noise: pd.DataFrame | None, column: str, **keys) -> np.ndarray | None:
    """The replicates of `column` of the cell that `keys` pick out, in replicate order."""
    if noise is None or column not in noise:
        return None
    mask = np.ones(len(noise), dtype=bool)
    for key, value in keys.items():
        mask &= (noise[key] == value).to_numpy()
    part = noise[mask].sort_values("replicate")
    return part[column].to_numpy(dtype=float) if len(part) else None


def change(noise, column, low: dict, high: dict) -> tuple[float, float] | None:
    """The paired interval of `column` at cell `high` minus cell `low` (None without replicates)."""
    a, b = draws(noise, column, **low), draws(noise, column, **high)
    if a is None or b is None or len(a) != len(b):
        return None
    return interval(b - a)


def t_interval(values) -> tuple[float, float]:
    """Student's LEVEL t interval of the mean of `values` (NaN for fewer than two)."""
    values = np.asarray(values, dtype=float)
    if len(values) < 2:
        return float("nan"), float("nan")
    half = student_t.ppf(1 - ALPHA / 2, len(values) - 1) * values.std(ddof=1) / np.sqrt(len(values))
    return float(values.mean() - half), float(values.mean() + half)


def welch(mean_a, sd_a, n_a, mean_b, sd_b, n_b) -> tuple[float, float]:
    """Welch's LEVEL t interval of mean_b - mean_a from two groups' means, sds and sizes."""
    va, vb = sd_a ** 2 / n_a, sd_b ** 2 / n_b
    se = np.sqrt(va + vb)
    if not (n_a > 1 and n_b > 1 and np.isfinite(se)):
        return float("nan"), float("nan")
    df = (va + vb) ** 2 / (va ** 2 / (n_a - 1) + vb ** 2 / (n_b - 1)) if se > 0 else n_a + n_b - 2
    half = student_t.ppf(1 - ALPHA / 2, df) * se
    return float(mean_b - mean_a - half), float(mean_b - mean_a + half)


def _spread(row: pd.Series, column: str) -> tuple[float, float, int] | None:
    """(mean, sd, n) of a value that is a mean over several runs: a model's training seeds
    (columns `{column}_sd` and `seeds` of over_seeds), else A5's LM seeds (`{column}_std`,
    `lms`); None for a value of one run."""
    if row.get("seeds", 1) > 1:
        return row[column], row[f"{column}_sd"], row["seeds"]
    if f"{column}_std" in row and "lms" in row:
        return row[column], row[f"{column}_std"], row["lms"]
    return None


def difference(noise, column: str, low: pd.Series, high: pd.Series, keys: list[str]) -> tuple[float, float] | None:
    """The LEVEL interval of `column` at row `high` minus row `low`: Welch's over the runs
    where both are means over several (_spread), else the paired bootstrap interval of the
    cells that `keys` pick out; None where there is no noise estimate."""
    a, b = _spread(low, column), _spread(high, column)
    if a is not None and b is not None:
        span = welch(*a, *b)
        return span if np.isfinite(span).all() else None
    return change(noise, column, {k: low[k] for k in keys}, {k: high[k] for k in keys})


def _method(row: pd.Series, column: str) -> str:
    """How difference() gets the noise of a row's `column`, for the evidence."""
    spread = _spread(row, column)
    return "bootstrap" if spread is None else f"Welch over {int(spread[2])} seeds"


def trend(part: pd.DataFrame, column: str, sign: int, noise, keys: list[str]) -> tuple[bool | None, str]:
    """Whether `column` rises (sign 1) or falls (sign -1) with C over the cells of `part` (one
    model per C, its runs of several seeds pooled): the smallest-to-largest change beyond its
    noise, no step against beyond its."""
    part = over_seeds(part).sort_values("C")
    text = ", ".join(f"C={c:g}: {v:.3g}" for c, v in zip(part["C"], part[column]))
    cells = [row for _, row in part.iterrows()]
    if len(cells) < 2:
        return None, f"{text}; undecided: the experiment has one C"
    spans = [difference(noise, column, a, b, keys) for a, b in zip(cells, cells[1:])]
    ends = difference(noise, column, cells[0], cells[-1], keys)
    if ends is None or None in spans:
        return None, f"{text}; undecided: no noise estimate of {column} (bootstrap replicates or seeds)"
    lo, hi = ends if sign > 0 else (-ends[1], -ends[0])
    d = part[column].iloc[-1] - part[column].iloc[0]
    text += (f"; C={part['C'].iloc[0]:g} -> {part['C'].iloc[-1]:g}: {d:+.3g} {_span(*ends)} "
             f"({_method(cells[-1], column)})")
    against = [f"C={a:g} -> {b:g} {_span(*s)}" for a, b, s in zip(part["C"], part["C"].iloc[1:], spans)
               if sign * s[0] < 0 and sign * s[1] < 0]
    if against:
        return False, f"{text}; against it beyond noise: {', '.join(against)}"
    holds = exceeds(lo, hi)
    return holds, text + ("; undecided: the change is within the noise" if holds is None else "")


def _ends(frame: pd.DataFrame):
    """(corpus, the row of its smallest C, the row of its largest C) for each corpus, a
    model's runs of several seeds pooled."""
    for corpus, part in over_seeds(frame).groupby("corpus", sort=False):
        part = part.sort_values("C")
        yield corpus, part.iloc[0], part.iloc[-1]


def _compare(noise, column, low, high, sign, keys) -> tuple[bool | None, str]:
    """Whether `column` is higher (sign 1) or lower (sign -1) at row `high` than at row `low`."""
    span = difference(noise, column, low, high, keys)
    text = f"{low[column]:.4g} at C={low['C']:g}, {high[column]:.4g} at C={high['C']:g}"
    if span is None:
        return None, f"{text}; undecided: no noise estimate of {column} (bootstrap replicates or seeds)"
    if low["C"] == high["C"]:
        return None, f"{text}; undecided: the experiment has one C"
    holds = exceeds(*(span if sign > 0 else (-span[1], -span[0])))
    return holds, (f"{text}; change {high[column] - low[column]:+.4g} {_span(*span)} ({_method(high, column)})"
                   + ("; undecided: the change is within the noise" if holds is None else ""))


def rate_on_target(frame, noise, experiment, claim) -> list[dict]:
    """R within 1 of C for every run: fails if some R's interval lies outside [C - 1, C + 1],
    undecided if some R lies outside but within its noise."""
    rows = []
    for corpus, part in frame.groupby("corpus", sort=False):
        gap = (part["rate"] - part["C"]).abs()
        worst = part.loc[gap.idxmax()]
        beyond = []
        for _, run in part.iterrows():
            r = draws(noise, "rate", corpus=corpus, model=run["model"])
            lo, hi = interval(r) if r is not None else (run["rate"], run["rate"])
            if lo > run["C"] + 1 or hi < run["C"] - 1:
                beyond.append(run["model"])
        holds = False if beyond else True if (gap <= 1).all() else None
        evidence = (f"{len(part)} runs, largest |R - C| = {gap.max():.3f} ({worst['model']}: "
                    f"R = {worst['rate']:.3f})")
        evidence += (f"; beyond noise: {', '.join(beyond)}" if beyond else
                     "; undecided: outside by less than the noise" if holds is None else "")
        rows.append(_row(claim, experiment, corpus, "C - 1 <= R <= C + 1 for every run", holds, evidence))
    return rows


def _trends(frame, noise, experiment, groups, keys, specs) -> list[dict]:
    """One row per group of `groups` and (claim, column, sign, statement) of `specs`; `keys`
    pick out a cell's replicates."""
    rows = []
    for group, part in frame.groupby(groups, sort=False):
        group = group if isinstance(group, tuple) else (group,)
        corpus, label = group[0], " ".join(str(g) for g in group[1:])
        for claim, column, sign, statement in specs:
            holds, evidence = trend(part, column, sign, noise, keys)
            rows.append(_row(claim, experiment, corpus, f"{statement}{' (' + label + ')' if label else ''}",
                             holds, evidence))
    return rows


def a1(rd: pd.DataFrame, noise=None, **_) -> list[dict]:
    return rate_on_target(rd, noise, "A1", "A1.rate_on_target") + _trends(
        rd, noise, "A1", ["corpus", "arch"], ["corpus", "model"], [
            ("A1.distortion_falls", "distortion", -1, "D falls as C grows"),
            ("A1.logdetcov_falls", "logdetcov", -1, "LogDetCov falls as C grows")])


def a2(capacity: pd.DataFrame, noise=None, **_) -> list[dict]:
    """As A1, and: active units cannot rise from a smallest C where every unit is active
    (AU = the size of z): undecided, saturated."""
    every = capacity[capacity["bucket"] == "all"]
    rows = rate_on_target(every, noise, "A2", "A2.rate_on_target") + _trends(
        every, noise, "A2", ["corpus"], ["corpus", "model"], [
            ("A2.distortion_falls", "distortion", -1, "D falls as C grows"),
            ("A2.active_units_rise", "active_units", 1, "active units rise with C"),
            ("A2.mu_norm_rises", "mu_norm2", 1, "||mu||^2 rises with C"),
            ("A2.bleu2_rises", "bleu2", 1, "BLEU-2 (all lengths) rises with C"),
            ("A2.bleu4_rises", "bleu4", 1, "BLEU-4 (all lengths) rises with C"),
            ("A2.rouge2_rises", "rouge2", 1, "ROUGE-2 (all lengths) rises with C"),
            ("A2.rouge4_rises", "rouge4", 1, "ROUGE-4 (all lengths) rises with C"),
            ("A2.logdetcov_falls", "logdetcov", -1, "LogDetCov falls as C grows")])
    for row in rows:
        part = every[every["corpus"] == row["corpus"]].sort_values("C")
        if row["claim"] == "A2.active_units_rise" and "z" in part and part["active_units"].iloc[0] >= part["z"].iloc[0]:
            row.update(_row(row["claim"], "A2", row["corpus"], row["statement"], None,
                            row["evidence"] + f"; undecided: saturated, all {int(part['z'].iloc[0])} units active "
                            f"at C={part['C'].iloc[0]:g}"))
    return rows


def a3(ap: pd.DataFrame, noise=None, **_) -> list[dict]:
    rows = []
    for corpus, low, high in _ends(ap):
        holds, evidence = _compare(noise, "aggregate_kl", low, high, 1, ["corpus", "model"])
        rows.append(_row("A3.aggregate_kl_larger", "A3", corpus,
                         f"KL(q(z) || p(z)) is larger at C={high['C']:g} than at C={low['C']:g}",
                         holds, evidence))
    return rows


def _named(schemes: dict, method: str) -> list[str]:
    """The names of the config's decoding schemes of `method`."""
    return [name for name, spec in schemes.items() if spec.get("method") == method]


def a4(repeats: pd.DataFrame, noise=None, schemes=None, **_) -> list[dict]:
    rows = []
    greedy = _named(schemes or {}, "greedy")
    for corpus, part in over_seeds(repeats).groupby("corpus", sort=False):
        mine = part[part["scheme"].isin(greedy)]
        if mine.empty:
            rows.append(_row("A4.greedy_repeats_fall", "A4", corpus, "greedy repeats fall as C grows", None,
                             "undecided: the experiment decodes with no greedy scheme"))
        for scheme, cells in mine.groupby("scheme", sort=False):
            low, high = cells.sort_values("C").iloc[0], cells.sort_values("C").iloc[-1]
            holds, evidence = _compare(noise, "repeats", low, high, -1, ["corpus", "model", "scheme"])
            rows.append(_row("A4.greedy_repeats_fall", "A4", corpus,
                             f"{scheme} repeats neighbours more often at C={low['C']:g} than at "
                             f"C={high['C']:g} (of {int(high['neighbours'])} neighbours)", holds, evidence))
    return rows


def fce_at_least_entropy(runs: pd.DataFrame) -> list[dict]:
    """Implied on a built-in corpus: FCE >= H for every LM whose vocabulary leaves at most
    COVERS % of the test tokens out (cross entropy is at least the entropy,
    E_p[-log q(x)] >= E_p[-log p(x)]; an LM that maps test words to <unk> scores a coarser event
    space, whose entropy is below H by what the merged words carry).  Fails where an FCE is
    below H beyond its t interval over the seeds."""
    rows = []
    for corpus, part in runs[runs["entropy"].notna()].groupby("corpus", sort=False):
        covered = part[part["test_pct_unk"] <= COVERS]
        statement = f"FCE >= H for every LM whose vocabulary leaves at most {COVERS:g} % of the test set out"
        if covered.empty:
            rows.append(_row("implied.fce_at_least_entropy", "implied", corpus, statement, None,
                             f"undecided: every scheme's vocabulary maps more than {COVERS:g} % of the "
                             f"test tokens to <unk> (least {part['test_pct_unk'].min():.1f} %)"))
            continue
        gap = covered["fce"] - covered["entropy"]
        half = [student_t.ppf(1 - ALPHA / 2, n - 1) * sd / np.sqrt(n) if n > 1 else np.inf
                for sd, n in zip(covered["fce_std"], covered["lms"])]
        worst = covered.loc[gap.idxmin()]
        beyond = (gap + np.array(half) < 0).any()
        holds = False if beyond else True if (gap >= 0).all() else None
        rows.append(_row("implied.fce_at_least_entropy", "implied", corpus, statement, holds,
                         f"{len(covered)} (model, scheme) rows, schemes {sorted(set(covered['scheme']))}; "
                         f"smallest FCE - H = {gap.min():.3f} ({worst['model']} {worst['scheme']}: "
                         f"{worst['fce']:.3f} vs H = {worst['entropy']:.3f}, test {worst['test_pct_unk']:.1f} % unk)"
                         + ("; undecided: below H within the noise of the seeds" if holds is None else "")))
    return rows


def a5(fce: pd.DataFrame, noise=None, schemes=None, **_) -> list[dict]:
    """For each nucleus scheme, FCE rises from the second-largest C to the largest (the
    paper: C = 15 -> 100); for each greedy scheme, self-BLEU falls as C grows; both over seeds."""
    runs = fce[fce["model"] != "real test set"]
    rows = fce_at_least_entropy(runs)
    schemes = schemes or {}
    for corpus, part in over_seeds(runs).groupby("corpus", sort=False):
        for method, claim, statement in (
                ("nucleus", "A5.nucleus_fce_rises", "for nucleus sampling, FCE rises from the second-largest C"),
                ("greedy", "A5.greedy_self_bleu_falls", "for greedy decoding, self-BLEU falls as C grows")):
            if not set(_named(schemes, method)) & set(part["scheme"]):
                rows.append(_row(claim, "A5", corpus, statement, None,
                                 f"undecided: the experiment decodes with no {method} scheme"))
        for scheme in _named(schemes, "nucleus"):
            cells = part[part["scheme"] == scheme].sort_values("C")
            if cells.empty:
                continue
            statement = f"for {scheme}, FCE rises from the second-largest C to the largest"
            if len(cells) < 2:
                rows.append(_row("A5.nucleus_fce_rises", "A5", corpus, statement, None,
                                 "undecided: the experiment has one C"))
                continue
            mid, top = cells.iloc[-2], cells.iloc[-1]
            span = difference(None, "fce", mid, top, [])
            holds = None if span is None else exceeds(*span)
            evidence = ", ".join(f"{row['fce']:.3f} (sd {_spread(row, 'fce')[1]:.3f}) at C={row['C']:g}"
                                 for row in (mid, top))
            evidence += f"; change {_span(*span)} ({_method(top, 'fce')})" if span else ""
            if top["test_pct_unk"] > MOSTLY_UNK:
                holds, evidence = None, evidence + (f"; undecided: the vocabulary maps {top['test_pct_unk']:.0f} % "
                                                    "of the test set to <unk>")
            elif span is None:
                evidence += "; undecided: one seed, no noise estimate"
            elif holds is None:
                evidence += "; undecided: the change is within the noise of the seeds"
            rows.append(_row("A5.nucleus_fce_rises", "A5", corpus, statement, holds, evidence))
        for scheme in _named(schemes, "greedy"):
            cells = part[part["scheme"] == scheme].sort_values("C")
            if cells.empty:
                continue
            holds, evidence = trend(cells, "self_bleu4", -1, None, [])
            rows.append(_row("A5.greedy_self_bleu_falls", "A5", corpus,
                             f"for {scheme} decoding, self-BLEU falls as C grows", holds, evidence))
    return rows


A6_RULES = (  # claim, which C, statement, decision from the interval of p1 - p2 or of p1
    ("A6.small_C_p1_equals_p2", 0, "p1 ~ p2", lambda d, p1: within(*d, SAME)),
    ("A6.large_C_p1_near_one", -1, "p1 is near 1", lambda d, p1: exceeds(*p1, NEAR_ONE)),
    ("A6.large_C_p2_far_below", -1, "p2 is far below p1", lambda d, p1: exceeds(*d, FAR_BELOW)))


def a6(syntax: pd.DataFrame, noise=None, **_) -> list[dict]:
    """Per Marvin & Linzen category, at the smallest C p1 ~ p2 and at the largest p1 near 1 and
    p2 far below it, each beyond the noise of a bootstrap over the category's pairs (with several
    training seeds, the t interval over the seeds); then per claim a summary over the categories
    (the paper: "in almost all the cases")."""
    rows = []
    categories = syntax[syntax["category"] != "all"]
    for corpus, part in categories.groupby("corpus", sort=False):
        cs = sorted(set(part["C"]))
        for claim, which, statement, decide in A6_RULES:
            C = cs[which]
            outcomes = []
            for category, runs in part[part["C"] == C].groupby("category", sort=False):
                cell = runs.iloc[0]
                text = (f"p1 = {runs['p1'].mean():.3f}, p2 = {runs['p2'].mean():.3f} ({int(cell['n_scored'])} pairs"
                        + (f", {len(runs)} seeds)" if len(runs) > 1 else ")"))
                if len(runs) > 1:
                    spans = t_interval(runs["p1"] - runs["p2"]), t_interval(runs["p1"])
                else:
                    p1 = draws(noise, "p1", corpus=corpus, model=cell["model"], category=category)
                    p2 = draws(noise, "p2", corpus=corpus, model=cell["model"], category=category)
                    spans = None if p1 is None or p2 is None else (interval(p1 - p2), interval(p1))
                if spans is None or not np.isfinite(spans).all():
                    holds, text = None, text + "; undecided: no pairs the vocabulary tells apart"
                else:
                    holds = decide(*spans)
                    text += (f"; p1 - p2 {_span(*spans[0])}, p1 {_span(*spans[1])}"
                             + ("; undecided: within the noise" if holds is None else ""))
                if len(cs) < 2:
                    holds, text = None, text + "; undecided: the experiment has one C"
                outcomes.append(holds)
                rows.append(_row(f"{claim}[{category}]", "A6", corpus, f"at C={C:g}, {statement} ({category})",
                                 holds, text))
            held, failed = outcomes.count(True), outcomes.count(False)
            share = CATEGORY_SHARE * len(outcomes)
            summary = True if held >= share else False if failed > len(outcomes) - share else None
            rows.append(_row(claim, "A6", corpus,
                             f"at C={C:g}, {statement} in at least {100 * CATEGORY_SHARE:g} % of the categories",
                             summary if outcomes else None,
                             f"holds in {held}, fails in {failed}, undecided in {len(outcomes) - held - failed} "
                             f"of {len(outcomes)} categories"))
    return rows


ROLES = {"vae": "the VAE", "vae_anneal": "the VAE with KL annealing", "m1": "AutoGen m = 1",
         "m2": "AutoGen m = 2"}


def roles(models) -> dict[str, str]:
    """The first model id of each role of paper B among `models`, read from the id: vae
    (objective vae, no annealing), vae_anneal, m1 and m2 (objective autogen, m = 1 or 2)."""
    found = {}
    for model in models:
        named = parse_model_id(model)
        role = ("vae_anneal" if named.anneal else "vae") if named.objective == "vae" else \
            f"m{named.m:g}" if named.objective == "autogen" else None
        found.setdefault(role, model)
    return {role: model for role, model in found.items() if role in ROLES}


def _missing(claim, experiment, corpus, statement, have: dict, needed) -> dict | None:
    """An undecided row if `have` lacks a role of `needed`."""
    lacking = [ROLES[r] for r in needed if r not in have]
    if not lacking:
        return None
    return _row(claim, experiment, corpus, statement, None,
                f"undecided: the experiment has no model for {', '.join(lacking)}")


def final_value(curve: pd.DataFrame, column: str) -> tuple[float, float]:
    """(mean, standard error) of `column` over the rows of the last EARLY share of the steps
    (at least two rows): the end of a training curve and its step-to-step noise."""
    last = curve[curve["step"] >= (1 - EARLY) * curve["step"].max()]
    if len(last) < 2:
        last = curve.tail(2)
    values = last[column].to_numpy(dtype=float)
    se = values.std(ddof=1) / np.sqrt(len(values)) if len(values) > 1 else float("nan")
    return float(values.mean()), float(se)


def _final(runs: list[pd.DataFrame], column: str) -> tuple[float, float]:
    """final_value of a model's one run; of its runs of several training seeds, the mean of
    their final values and its standard error over the seeds."""
    if len(runs) == 1:
        return final_value(runs[0], column)
    finals = [final_value(run, column)[0] for run in runs]
    return float(np.mean(finals)), float(np.std(finals, ddof=1) / np.sqrt(len(finals)))


def falls_after_early_phase(steps, values) -> tuple[bool | None, float, float]:
    """(whether the curve's final value, the mean over its last EARLY share of the steps, is
    more than DROP below its highest value after the first EARLY share, beyond two standard
    errors; that highest value; the final value)."""
    curve = pd.DataFrame(dict(step=np.asarray(steps, dtype=float), value=np.asarray(values, dtype=float)))
    peak = float(curve.loc[curve["step"] > EARLY * curve["step"].max(), "value"].max())
    final, se = final_value(curve, "value")
    drop, margin = peak - final, STANDARD_ERRORS * (se if np.isfinite(se) else 0.0)
    return exceeds(drop - margin, drop + margin, DROP * abs(peak)), peak, final


def b1(training: pd.DataFrame, noise=None, **_) -> list[dict]:
    """KL share of AutoGen above each VAE's, m = 1's ELBO tracking each VAE's, m = 1's ELBO
    holding and m = 2's falling after the early phase; final values as _final gives, the fall
    on the curve averaged over a model's seeds."""
    rows = []
    for corpus, part in training.groupby("corpus", sort=False):
        runs = {}
        for model, curve in part.groupby("model", sort=False):
            runs.setdefault(without_seed(model), []).append(curve.sort_values("step"))
        have = roles(runs)
        finals = {role: {c: _final(runs[have[role]], c) for c in ("held_out_kl_share", "held_out_elbo")}
                  for role in have}
        for autogen in ("m1", "m2"):
            for vae in ("vae", "vae_anneal"):
                claim = f"B1.{autogen}_kl_share_exceeds_{vae}"
                statement = f"{ROLES[autogen]}'s KL share of the objective exceeds {ROLES[vae]}'s"
                row = _missing(claim, "B1", corpus, statement, have, (autogen, vae))
                if row is None:
                    (a, sa), (b, sb) = finals[autogen]["held_out_kl_share"], finals[vae]["held_out_kl_share"]
                    e = STANDARD_ERRORS * np.hypot(sa, sb)
                    holds = exceeds(a - b - e, a - b + e)
                    row = _row(claim, "B1", corpus, statement, holds,
                               f"final held-out KL share {a:.3f} % vs {b:.3f} % (+-{e:.3f})"
                               + ("; undecided: within the noise" if holds is None else ""))
                rows.append(row)
        for vae in ("vae", "vae_anneal"):
            claim, statement = f"B1.m1_elbo_tracks_{vae}", f"{ROLES['m1']}'s ELBO tracks {ROLES[vae]}'s"
            row = _missing(claim, "B1", corpus, statement, have, ("m1", vae))
            if row is None:
                (a, sa), (b, sb) = finals["m1"]["held_out_elbo"], finals[vae]["held_out_elbo"]
                e = STANDARD_ERRORS * np.hypot(sa, sb)
                holds = within(a - b - e, a - b + e, TRACK * abs(b))
                row = _row(claim, "B1", corpus, statement, holds,
                           f"final held-out ELBO {a:.3f} vs {b:.3f}, difference {a - b:+.3f} (+-{e:.3f}; "
                           f"within {100 * TRACK:g} % is {TRACK * abs(b):.3f})"
                           + ("; undecided: within the noise" if holds is None else ""))
            rows.append(row)
        for role, should_fall in (("m1", False), ("m2", True)):
            verb = "falls" if should_fall else "does not fall"
            claim = f"B1.{role}_elbo_{'falls' if should_fall else 'holds'}"
            statement = f"{ROLES[role]}'s ELBO {verb} after the early phase"
            row = _missing(claim, "B1", corpus, statement, have, (role,))
            if row is None:
                curve = pd.concat(runs[have[role]]).groupby("step", as_index=False)["held_out_elbo"].mean()
                fell, peak, last = falls_after_early_phase(curve["step"], curve["held_out_elbo"])
                holds = None if fell is None else fell == should_fall
                row = _row(claim, "B1", corpus, statement, holds,
                           f"highest held-out ELBO after {100 * EARLY:g} % of the steps {peak:.3f}, final "
                           f"{last:.3f} (a fall is more than {100 * DROP:g} %)"
                           + ("; undecided: within the noise" if holds is None else ""))
            rows.append(row)
    return rows


def b3(preference: pd.DataFrame, noise=None, **_) -> list[dict]:
    rows = []
    for row in preference.itertuples():
        significant = row.p_value < ALPHA
        holds = (row.pct_wins > 50) if significant else None
        rows.append(_row(f"B3.{row.model}_beats_{row.versus}", "B3", row.corpus,
                         f"{row.model} beats {row.versus} (sentence BLEU judge)", holds,
                         f"{row.wins} wins, {row.losses} losses, {row.ties} ties: {row.pct_wins:.1f} % "
                         f"wins, p = {row.p_value:.3g}"
                         + ("" if significant else "; undecided: the judge cannot separate the models")))
    return rows


def b4(samples: pd.DataFrame, noise=None, **_) -> list[dict]:
    """m = 2's prior samples are judged meaningful least often: below every other model's
    beyond the paired noise of a bootstrap over the samples (the same z for every model; with
    several training seeds, Welch's over the seeds); undecided where the judge is saturated
    (every model within SATURATED % of 0 or 100)."""
    rows = []
    every = over_seeds(samples[samples["group"] == "all"])
    for corpus, part in every.groupby("corpus", sort=False):
        cells = part.set_index("model", drop=False)
        pct = cells["pct_meaningful"]
        have = roles(pct.index)
        statement = f"{ROLES['m2']}'s prior samples make sense least often"
        row = _missing("B4.m2_worst", "B4", corpus, statement, have, ("m2",))
        if row is None:
            worst = have["m2"]
            text = "; ".join(f"{m}: {v:.1f} %" for m, v in pct.items())
            spans = {m: difference(noise, "pct_meaningful", cells.loc[worst], cells.loc[m], ["corpus", "model"])
                     for m in pct.index if m != worst}
            if ((pct >= 100 - SATURATED) | (pct <= SATURATED)).all():
                holds, text = None, text + "; undecided: the judge is saturated"
            elif None in spans.values():
                holds, text = None, text + "; undecided: no noise estimate (bootstrap replicates or seeds)"
            else:
                decided = [exceeds(*s) for s in spans.values()]
                holds = False if False in decided else None if None in decided else True
                text += "; others minus m = 2: " + ", ".join(f"{m} {_span(*s)}" for m, s in spans.items())
                text += "; undecided: within the noise" if holds is None else ""
            row = _row("B4.m2_worst", "B4", corpus, statement, holds, text)
        rows.append(row)
    return rows


def b5(repeats: pd.DataFrame, noise=None, **_) -> list[dict]:
    """m = 1 repeats neighbours less often than the annealed VAE, beyond the paired bootstrap
    interval over the interpolations (with several training seeds, Welch's over the seeds)."""
    rows = []
    for corpus, part in over_seeds(repeats).groupby("corpus", sort=False):
        cells = part.set_index("model", drop=False)
        pct = cells["pct_repeats"]
        have = roles(pct.index)
        statement = f"{ROLES['m1']} repeats neighbouring sentences less often than {ROLES['vae_anneal']}"
        row = _missing("B5.m1_repeats_less", "B5", corpus, statement, have, ("m1", "vae_anneal"))
        if row is None:
            m1, anneal = have["m1"], have["vae_anneal"]
            span = difference(noise, "repeats", cells.loc[m1], cells.loc[anneal], ["corpus", "model"])
            text = f"{pct[m1]:.1f} % vs {pct[anneal]:.1f} % of neighbours"
            holds = None if span is None else exceeds(*span)
            text += "; undecided: no noise estimate (bootstrap replicates or seeds)" if span is None else (
                f"; repeats of {anneal} minus {m1} {_span(*span)} ({_method(cells.loc[m1], 'repeats')})"
                + ("; undecided: within the noise" if holds is None else ""))
            row = _row("B5.m1_repeats_less", "B5", corpus, statement, holds, text)
        rows.append(row)
    return rows


def rate_carries_information(betac: pd.DataFrame) -> list[dict]:
    """Implied (a larger C is to buy information about x): at the largest C of each corpus and
    architecture, R - MI <= s R with s = OFF_INFORMATION, where R = MI + KL(q(z) || p(z)); with
    e = STANDARD_ERRORS x the standard error of the MI estimate, it holds if R - MI + e <= s R,
    fails if R - MI - e > s R, and is undecided between, or where the estimate cannot reach
    (1 - s) R: an MI from a mixture of n posteriors is at most log n.  The evidence gives the
    offset 1/2 ||mean mu||^2, the part of R - MI that shifts every posterior alike.  Decided
    for each run: each training seed's, where there are several."""
    rows = []
    for (corpus, arch), part in betac.groupby(["corpus", "arch"], sort=False):
        tops = part[part["C"] == part["C"].max()]
        for _, top in tops.iterrows():
            rows.append(_carries_information(corpus, arch if len(tops) == 1 else top["model"], top))
    return rows


def _carries_information(corpus: str, label: str, top: pd.Series) -> dict:
    """rate_carries_information's row for one run."""
    rate, mi, se = top["rate"], top["mi"], top.get("mi_se", np.nan)
    cap = np.log(top.get("mi_posteriors", np.nan))
    off, margin, limit = rate - mi, STANDARD_ERRORS * se, OFF_INFORMATION * rate
    evidence = (f"C={top['C']:g}: R = {rate:.3f}, MI = {mi:.3f} (se {se:.3f}), R - MI = {off:.3f} "
                f"({100 * off / rate:.0f} % of R; at most {100 * OFF_INFORMATION:g} %), offset "
                f"1/2 ||mu||^2 = {top['mu_norm2'] / 2:.3f}")
    if not np.isfinite(se):
        holds, evidence = None, evidence + "; undecided: the summary gives no standard error of MI"
    elif cap < (1 - OFF_INFORMATION) * rate:
        holds, evidence = None, evidence + f"; undecided: the MI estimate is at most log n = {cap:.2f}"
    elif off + margin <= limit or off - margin > limit:
        holds = off + margin <= limit
    else:
        holds, evidence = None, evidence + f"; undecided: within {STANDARD_ERRORS:g} standard errors"
    return _row("implied.rate_carries_information", "implied", corpus,
                f"at the largest C ({label}), R - MI is at most {100 * OFF_INFORMATION:g} % of R",
                holds, evidence)


def _at_least(part: pd.DataFrame, noise, column: str, claim: str, corpus: str, statement: str) -> dict:
    """A bound that must hold in every cell: `column` >= 0 (fails beyond the noise)."""
    beyond = []
    for _, cell in part.iterrows():
        r = draws(noise, column, corpus=corpus, model=cell["model"])
        if r is not None and interval(r)[1] < 0:
            beyond.append(cell["model"])
    holds = False if beyond else True if (part[column] >= 0).all() else None
    evidence = f"{len(part)} cells, smallest {column} = {part[column].min():.3f}"
    evidence += (f"; below 0 beyond noise: {', '.join(beyond)}" if beyond else
                 "; undecided: below 0 within the noise" if holds is None else "")
    return _row(claim, "implied", corpus, statement, holds, evidence)


def implied(summaries: pd.DataFrame, noise=None) -> list[dict]:
    """Checks the papers imply: the rate on target for every beta_C cell, and carrying
    information at the largest C (rate_carries_information); on a built-in corpus
    D + R >= H (the ELBO cannot exceed log p(x); column bound_gap) and IW-NLL >= H (an upper
    bound on the model's -log p(x) in expectation, and no model's cross entropy is below the
    entropy; column iw_gap)."""
    rows = []
    betac = summaries[summaries["objective"] == "betac"]
    rows += rate_on_target(betac, noise, "implied", "implied.kl_within_1_of_C")
    rows += rate_carries_information(betac)
    if "entropy" in summaries:
        for corpus, part in summaries[summaries["entropy"].notna()].groupby("corpus", sort=False):
            part = part.assign(iw_gap=part["iw_nll"] - part["entropy"])
            rows.append(_at_least(part, noise, "bound_gap", "implied.elbo_below_log_px", corpus,
                                  "D + R >= H (the ELBO cannot exceed log p(x)) for every evaluated cell"))
            rows.append(_at_least(part, noise, "iw_gap", "implied.iw_nll_at_least_entropy", corpus,
                                  "IW-NLL >= H for every evaluated cell"))
    return rows


OUTCOMES = ("holds", "fails", "undecided")


def summary(claims: pd.DataFrame) -> str:
    """The count of each outcome per experiment, and which claims fail or are undecided."""
    def counts(part):
        return ", ".join(f"{int((part['outcome'] == o).sum())} {o}" for o in OUTCOMES)

    lines = [f"claims: {len(claims)}: {counts(claims)}"]
    groups = sorted(claims.groupby("experiment", sort=False), key=lambda group: group[0] == "implied")
    for experiment, part in groups:  # in the order of the rows (the registry's), the implied checks last
        lines.append(f"  {experiment}: {counts(part)}")
    for row in claims[claims["outcome"] != "holds"].itertuples():
        lines.append(f"  {row.outcome}: {row.claim} [{row.corpus}] {row.statement}: {row.evidence}")
    return "\n".join(lines)
