"""The claims' rules on hand-made tables and replicates: each rule holds, fails and is
undecided on constructed evidence."""

import numpy as np
import pandas as pd
import pytest

from textvae import bootstrap, claims


def replicates(cells: dict, n: int = 200) -> pd.DataFrame:
    """Bootstrap-like replicates: per cell (a dict of keys -> {column: (centre, spread)}), the
    centre plus spread x standard normal noise of its own seed for each column, so that
    differences are noisy."""
    frames = []
    for k, (keys, columns) in enumerate(cells):
        frames.append(pd.DataFrame({c: centre + spread * np.random.default_rng([k, j]).standard_normal(n)
                                    for j, (c, (centre, spread)) in enumerate(columns.items())})
                      .assign(replicate=np.arange(n), **keys))
    return pd.concat(frames, ignore_index=True)


def outcomes(rows) -> dict:
    return {r["statement"]: r["outcome"] for r in rows}


def test_the_decisions_by_hand():
    assert claims.exceeds(0.1, 2.0) is True and claims.exceeds(-1.0, 0.0) is False
    assert claims.exceeds(-0.1, 0.3) is None and claims.exceeds(0.95, 0.99, 0.9) is True
    assert claims.within(-0.04, 0.03, 0.05) is True and claims.within(0.06, 0.2, 0.05) is False
    assert claims.within(0.01, 0.08, 0.05) is None
    # Welch: n = 3 and sd 1 each, means 0 and 1: se = sqrt(2/3), df = 4, t(0.975, 4) = 2.7764
    lo, hi = claims.welch(0.0, 1.0, 3, 1.0, 1.0, 3)
    assert (lo, hi) == pytest.approx((1 - 2.7764 * np.sqrt(2 / 3), 1 + 2.7764 * np.sqrt(2 / 3)), abs=1e-3)
    assert np.isnan(claims.welch(0.0, 1.0, 1, 1.0, 1.0, 3)[0])  # one seed: no noise estimate
    # the A5 case, 11.973 (0.016) vs 12.061 (0.060) over 3 LMs each: within the noise
    assert claims.exceeds(*claims.welch(11.973, 0.016, 3, 12.061, 0.060, 3)) is None


def test_bootstrap_resamples_are_shared_and_paired():
    assert bootstrap.interval(np.arange(101)) == pytest.approx((2.5, 97.5))
    a, b = bootstrap.resamples(5, 3, seed=1), bootstrap.resamples(5, 3, seed=1)
    assert a.shape == (3, 5) and (a == b).all() and a.max() < 5
    items = pd.DataFrame(dict(cell=["x"] * 4 + ["y"] * 4, item=[3, 1, 2, 0] * 2,
                              v=[3.0, 1.0, 2.0, 0.0, 4.0, 2.0, 3.0, 1.0]))
    reps = bootstrap.mean_replicates(items, ["cell"], "item", ["v"], replicates=50, seed=2)
    x, y = (reps[reps["cell"] == c].sort_values("replicate")["v"].to_numpy() for c in "xy")
    assert np.allclose(y - x, 1.0) and x.std() > 0  # the same items drawn in both cells


def _rd(arch, distortion, spread):
    cells = [dict(corpus="c", arch=arch, model=f"{arch}{C}", C=float(C), rate=float(C), distortion=d,
                  logdetcov=-float(C)) for C, d in zip((3, 8, 15), distortion)]
    noise = [({"corpus": "c", "model": f"{arch}{C}"}, {"distortion": (d, spread), "rate": (float(C), 0.05),
                                                       "logdetcov": (-float(C), 0.1)})
             for C, d in zip((3, 8, 15), distortion)]
    return cells, noise


def test_a1_trends_hold_fail_or_are_undecided():
    frames, noise = [], []
    for arch, values, spread in (("falls", [20.0, 18.0, 15.0], 0.1), ("rises", [15.0, 18.0, 20.0], 0.1),
                                 ("noise", [20.0, 19.9, 19.8], 1.0), ("bump", [20.0, 22.0, 15.0], 0.1)):
        cells, reps = _rd(arch, values, spread)
        frames += cells
        noise += reps
    rows = claims.a1(pd.DataFrame(frames), replicates(noise))
    got = outcomes(r for r in rows if r["claim"] == "A1.distortion_falls")
    assert got == {"D falls as C grows (falls)": "holds", "D falls as C grows (rises)": "fails",
                   "D falls as C grows (noise)": "undecided", "D falls as C grows (bump)": "fails"}
    bump = next(r for r in rows if r["statement"] == "D falls as C grows (bump)")
    assert "against it beyond noise: C=3 -> 8" in bump["evidence"]
    assert "C=3 -> 15: -5" in next(r for r in rows if r["statement"] == "D falls as C grows (falls)")["evidence"]
    (rate,) = [r for r in rows if r["claim"] == "A1.rate_on_target"]
    assert rate["outcome"] == "holds"


def test_a2_active_units_saturated_at_the_smallest_C_are_undecided():
    def capacity(au):
        others = {c: 1.0 for c in ("distortion", "mu_norm2", "bleu2", "bleu4", "rouge2", "rouge4", "logdetcov")}
        return pd.DataFrame(dict(corpus="c", model=["m3", "m25"], C=[3.0, 25.0], bucket="all", z=32,
                                 active_units=au, rate=[3.0, 25.0], **others))
    def au_row(au, spread=0.0):
        noise = replicates([({"corpus": "c", "model": m}, {"active_units": (float(a), spread), "rate": (C, 0.01)})
                            for m, a, C in zip(["m3", "m25"], au, [3.0, 25.0])])
        return next(r for r in claims.a2(capacity(au), noise) if r["claim"] == "A2.active_units_rise")
    saturated = au_row([32, 32])
    assert saturated["outcome"] == "undecided" and "saturated, all 32 units active at C=3" in saturated["evidence"]
    assert au_row([8, 29], 1.0)["outcome"] == "holds" and au_row([20, 20])["outcome"] == "fails"


def test_rate_on_target_fails_only_beyond_noise():
    frame = pd.DataFrame(dict(corpus="c", model=["a", "b"], C=[3.0, 15.0], rate=[3.2, 16.3]))
    wide = replicates([({"corpus": "c", "model": "a"}, {"rate": (3.2, 0.1)}),
                       ({"corpus": "c", "model": "b"}, {"rate": (16.3, 1.0)})])
    narrow = replicates([({"corpus": "c", "model": "a"}, {"rate": (3.2, 0.1)}),
                         ({"corpus": "c", "model": "b"}, {"rate": (16.3, 0.05)})])
    assert claims.rate_on_target(frame, wide, "X", "x")[0]["outcome"] == "undecided"
    (row,) = claims.rate_on_target(frame, narrow, "X", "x")
    assert row["outcome"] == "fails" and "beyond noise: b" in row["evidence"]
    on_target = replicates([({"corpus": "c", "model": "a"}, {"rate": (3.2, 0.1)}),
                            ({"corpus": "c", "model": "b"}, {"rate": (15.5, 0.05)})])
    assert claims.rate_on_target(frame.assign(rate=[3.2, 15.5]), on_target, "X", "x")[0]["outcome"] == "holds"


@pytest.mark.parametrize("high, spread, outcome", [(7.0, 0.1, "holds"), (0.2, 0.05, "fails"), (0.75, 1.0, "undecided")])
def test_a3_aggregate_kl_larger(high, spread, outcome):
    ap = pd.DataFrame(dict(corpus="c", model=["m3", "m25"], C=[3.0, 25.0], aggregate_kl=[0.7, high]))
    noise = replicates([({"corpus": "c", "model": "m3"}, {"aggregate_kl": (0.7, spread)}),
                        ({"corpus": "c", "model": "m25"}, {"aggregate_kl": (high, spread)})])
    (row,) = claims.a3(ap, noise)
    assert row["outcome"] == outcome
    assert claims.a3(ap, None)[0]["outcome"] == "undecided"  # no replicates: no noise estimate


def test_a4_takes_its_greedy_schemes_from_the_config():
    repeats = pd.DataFrame(dict(corpus="c", model=["m3", "m25"] * 2, C=[3.0, 25.0] * 2, scheme=["g"] * 2 + ["t"] * 2,
                                repeats=[35, 20, 30, 30], neighbours=60))
    noise = replicates([({"corpus": "c", "model": m, "scheme": s}, {"repeats": (float(v), 1.0)})
                        for m, s, v in zip(repeats["model"], repeats["scheme"], repeats["repeats"])])
    (row,) = claims.a4(repeats, noise, schemes={"g": {"method": "greedy"}, "t": {"method": "topk"}})
    assert row["outcome"] == "holds" and row["statement"].startswith("g repeats")
    assert claims.a4(repeats.assign(repeats=[20, 35, 0, 0]), replicates(
        [({"corpus": "c", "model": m, "scheme": s}, {"repeats": (float(v), 1.0)})
         for m, s, v in zip(repeats["model"], repeats["scheme"], [20, 35, 0, 0])]),
        schemes={"g": {"method": "greedy"}})[0]["outcome"] == "fails"
    (missing,) = claims.a4(repeats, noise, schemes={"t": {"method": "topk"}})
    assert missing["outcome"] == "undecided" and "no greedy scheme" in missing["evidence"]


def _fce(top, top_std, unk=2.0):
    rows = [dict(corpus="c", model=f"m{C}", C=float(C), scheme=s, fce=f, fce_std=sd, lms=3, self_bleu4=b,
                 self_bleu4_std=0.5, test_pct_unk=unk, entropy=np.nan)
            for C, f, sd, b in ((3, 30.0, 0.1, 90.0), (15, 29.6, 0.1, 70.0), (25, top, top_std, 60.0))
            for s in ("nuc", "gr")]
    return pd.DataFrame(rows)


def test_a5_decides_over_the_seeds():
    schemes = {"nuc": {"method": "nucleus", "p": 0.9}, "gr": {"method": "greedy"}}
    def nucleus(frame):
        return next(r for r in claims.a5(frame, schemes=schemes) if r["claim"] == "A5.nucleus_fce_rises")
    assert nucleus(_fce(31.0, 0.1))["outcome"] == "holds"
    assert nucleus(_fce(28.0, 0.1))["outcome"] == "fails"
    undecided = nucleus(_fce(29.7, 0.6))  # 11.973 (0.016) vs 12.061 (0.060) is of this kind
    assert undecided["outcome"] == "undecided" and "within the noise of the seeds" in undecided["evidence"]
    assert nucleus(_fce(31.0, 0.1, unk=91.0))["outcome"] == "undecided"  # the test set is mostly <unk>
    one_lm = nucleus(_fce(31.0, 0.1).assign(lms=1, fce_std=np.nan))
    assert one_lm["outcome"] == "undecided" and one_lm["evidence"].endswith("; undecided: one seed, no noise estimate")
    greedy = next(r for r in claims.a5(_fce(31.0, 0.1), schemes=schemes) if r["claim"] == "A5.greedy_self_bleu_falls")
    assert greedy["outcome"] == "holds" and greedy["statement"] == "for gr decoding, self-BLEU falls as C grows"
    def self_bleu(values, sd):
        frame = _fce(31.0, 0.1)
        frame.loc[frame["scheme"] == "gr", "self_bleu4"] = np.repeat(values, 1)
        frame["self_bleu4_std"] = sd
        return next(r for r in claims.a5(frame, schemes=schemes) if r["claim"] == "A5.greedy_self_bleu_falls")
    assert self_bleu([60.0, 70.0, 90.0], 0.5)["outcome"] == "fails"
    assert self_bleu([90.0, 89.0, 88.0], 5.0)["outcome"] == "undecided"
    bump = self_bleu([90.0, 95.0, 60.0], 0.5)  # falls end to end, but rises beyond noise on the way
    assert bump["outcome"] == "fails" and "against it beyond noise: C=3 -> 15" in bump["evidence"]
    lacking = claims.a5(_fce(31.0, 0.1), schemes={"gr": {"method": "greedy"}})
    assert [r["outcome"] for r in lacking if r["claim"] == "A5.nucleus_fce_rises"] == ["undecided"]


def test_fce_below_the_entropy_fails_the_implied_check():
    """Built-in corpus, H = 20: LMs whose vocabulary covers the test set are bound by H;
    greedy's LM, with most of the test set as <unk>, is not checked."""
    runs = pd.DataFrame(dict(corpus="short", model="m3", scheme=["nucleus", "top15", "greedy"],
                             fce=[29.0, 25.0, 12.0], fce_std=0.5, lms=3, entropy=20.0,
                             test_pct_unk=[2.0, 0.0, 56.0]))
    (row,) = claims.fce_at_least_entropy(runs)
    assert row["holds"] and "2 (model, scheme) rows" in row["evidence"] and "FCE - H = 5.000" in row["evidence"]
    (row,) = claims.fce_at_least_entropy(runs.assign(fce=[11.6, 25.0, 12.0]))
    assert row["outcome"] == "fails"
    (row,) = claims.fce_at_least_entropy(runs.assign(fce=[19.5, 25.0, 12.0]))  # within 2.5 sd/sqrt(3)
    assert row["outcome"] == "undecided"
    (row,) = claims.fce_at_least_entropy(runs.assign(test_pct_unk=91.0))
    assert row["outcome"] == "undecided" and "<unk>" in row["evidence"]
    assert claims.fce_at_least_entropy(runs.assign(entropy=float("nan"))) == []  # a real corpus


def test_a6_decides_per_category_and_summarises():
    cats = [f"k{i}" for i in range(5)]
    table, cells = [], []
    for C, p1, p2 in ((3.0, 0.9, 0.89), (100.0, 0.97, 0.5)):
        for i, cat in enumerate(cats):
            low_p2 = p2 if i < 4 else 0.96  # one category where p2 stays with p1 at large C
            table.append(dict(corpus="c", model=f"m{C:g}", C=C, category=cat, p1=p1, p2=low_p2, n_scored=400))
            cells.append(({"corpus": "c", "model": f"m{C:g}", "category": cat},
                          {"p1": (p1, 0.01), "p2": (low_p2, 0.01)}))
    table.append(dict(corpus="c", model="m100", C=100.0, category="all", p1=0.97, p2=0.6, n_scored=2000))
    rows = claims.a6(pd.DataFrame(table), replicates(cells))
    summary = {r["claim"]: r for r in rows if "[" not in r["claim"]}
    assert {k: r["outcome"] for k, r in summary.items()} == {
        "A6.small_C_p1_equals_p2": "holds", "A6.large_C_p1_near_one": "holds", "A6.large_C_p2_far_below": "holds"}
    assert summary["A6.large_C_p2_far_below"]["evidence"] == "holds in 4, fails in 1, undecided in 0 of 5 categories"
    per = {r["claim"]: r["outcome"] for r in rows}
    assert per["A6.large_C_p2_far_below[k4]"] == "fails" and per["A6.large_C_p2_far_below[k0]"] == "holds"
    # two categories of five fail: more than 20 %
    worse = [dict(row, p2=0.96) if row["C"] == 100.0 and row["category"] == "k3" else row for row in table]
    cells = [(k, {"p1": v["p1"], "p2": (0.96, 0.01)}) if k["model"] == "m100" and k["category"] == "k3" else (k, v)
             for k, v in cells]
    rows = claims.a6(pd.DataFrame(worse), replicates(cells))
    assert next(r for r in rows if r["claim"] == "A6.large_C_p2_far_below")["outcome"] == "fails"
    # noisy categories (few pairs): undecided
    noisy = [(k, {c: (m, 0.2) for c, (m, _) in v.items()}) for k, v in cells]
    rows = claims.a6(pd.DataFrame(worse), replicates(noisy))
    assert {r["outcome"] for r in rows} == {"undecided"}  # every category and every summary
    # p1 below 0.9 beyond noise at large C in every category
    low = [(k, {"p1": (0.6, 0.01), "p2": v["p2"]}) if k["model"] == "m100" else (k, v) for k, v in cells]
    rows = claims.a6(pd.DataFrame(worse).assign(p1=lambda f: np.where(f["C"] == 100.0, 0.6, f["p1"])), replicates(low))
    assert next(r for r in rows if r["claim"] == "A6.large_C_p1_near_one")["outcome"] == "fails"
    assert next(r for r in rows if r["claim"] == "A6.large_C_p1_near_one[k0]")["outcome"] == "fails"


def _history(model, elbo_end, kl_share, steps=20, wobble=0.01):
    step = np.arange(1, steps + 1) * 10
    elbo = np.where(step < 60, -40 + step / 6, elbo_end) + wobble * np.sin(step)
    return pd.DataFrame(dict(corpus="c", model=model, step=step, held_out_elbo=elbo,
                             held_out_kl_share=kl_share + wobble * np.cos(step)))


def test_b1_against_both_vaes():
    training = pd.concat([_history("lstm-vae", -30.0, 0.02), _history("lstm-vae-anneal", -29.0, 2.0),
                          _history("lstm-autogen-m1", -29.5, 1.5), _history("lstm-autogen-m2", -30.0, 3.0)])
    rows = {r["claim"]: r for r in claims.b1(training)}
    assert rows["B1.m1_kl_share_exceeds_vae"]["outcome"] == "holds"
    assert rows["B1.m1_kl_share_exceeds_vae_anneal"]["outcome"] == "fails"  # 1.5 % below 2 %
    assert rows["B1.m2_kl_share_exceeds_vae_anneal"]["outcome"] == "holds"
    assert rows["B1.m1_elbo_tracks_vae_anneal"]["outcome"] == "holds"
    assert rows["B1.m1_elbo_holds"]["outcome"] == "holds"
    assert rows["B1.m2_elbo_falls"]["outcome"] == "fails"  # it rises to -30 and stays there
    apart = pd.concat([_history("lstm-vae-anneal", -29.0, 2.0), _history("lstm-autogen-m1", -33.0, 2.5)])
    assert {r["claim"]: r["outcome"] for r in claims.b1(apart)}["B1.m1_elbo_tracks_vae_anneal"] == "fails"
    close = pd.concat([_history("lstm-vae-anneal", -29.0, 2.0, wobble=0.3),
                       _history("lstm-autogen-m1", -29.5, 2.05, wobble=0.3)])
    rows = {r["claim"]: r for r in claims.b1(close)}
    assert rows["B1.m1_kl_share_exceeds_vae_anneal"]["outcome"] == "undecided"
    wobbly = pd.concat([_history("lstm-vae-anneal", -29.0, 2.0, wobble=1.0),
                        _history("lstm-autogen-m1", -30.4, 2.0, wobble=1.0)])  # 1.4 off, 1.45 allowed
    assert {r["claim"]: r["outcome"] for r in claims.b1(wobbly)}["B1.m1_elbo_tracks_vae_anneal"] == "undecided"
    assert rows["B1.m1_kl_share_exceeds_vae"]["outcome"] == "undecided"
    assert "no model for the VAE" in rows["B1.m1_kl_share_exceeds_vae"]["evidence"]


def test_falls_after_the_early_phase():
    steps = list(range(10, 101, 10))
    # rises to -20 at step 50, then falls to -22: more than 1 % below
    assert claims.falls_after_early_phase(steps, [-30, -25, -22, -21, -20, -20.5, -21, -21.5, -22, -22])[0]
    # rises and stays: not a fall
    assert claims.falls_after_early_phase(steps, [-30, -25, -22, -21, -20, -20, -20, -20, -20, -20.1])[0] is False
    # the first 10 % of the steps does not count as the peak
    assert claims.falls_after_early_phase(steps, [-10, -25, -22, -21, -20, -20, -20, -20, -20, -20])[0] is False
    # the last two values far apart: the final level is within its noise of a 1 % fall
    assert claims.falls_after_early_phase(steps, [-30, -25, -22, -21, -20, -20, -20, -20, -20, -20.8])[0] is None


def test_b3_beats_needs_a_significant_majority():
    pref = pd.DataFrame(dict(corpus="c", model=["a", "b", "d"], versus=["x", "y", "z"], wins=[9, 6, 1],
                             losses=[1, 4, 9], ties=0, pct_wins=[90.0, 60.0, 10.0], p_value=[0.0215, 0.754, 0.0215]))
    assert [r["outcome"] for r in claims.b3(pref)] == ["holds", "undecided", "fails"]


def test_b4_m2_worst_and_a_saturated_judge():
    models = ["lstm-vae-anneal", "lstm-autogen-m1", "lstm-autogen-m2"]
    def b4(pcts, spread):
        samples = pd.DataFrame(dict(corpus="c", model=models, group="all", pct_meaningful=pcts))
        noise = replicates([({"corpus": "c", "model": m}, {"pct_meaningful": (p, 100 * spread)})
                            for m, p in zip(models, pcts)])
        return claims.b4(samples, noise)[0]
    assert b4([80.0, 85.0, 60.0], 0.01)["outcome"] == "holds"
    assert b4([80.0, 55.0, 60.0], 0.01)["outcome"] == "fails"
    assert b4([80.0, 85.0, 78.0], 0.05)["outcome"] == "undecided"
    saturated = b4([100.0, 99.5, 100.0], 0.0)
    assert saturated["outcome"] == "undecided" and "saturated" in saturated["evidence"]


def test_b5_repeats_and_roles_from_the_ids():
    assert claims.roles(["gru-autogen-m1", "gru-vae-anneal", "lstm-betac-C3"]) == {
        "m1": "gru-autogen-m1", "vae_anneal": "gru-vae-anneal"}
    def b5(m1, anneal, spread):
        repeats = pd.DataFrame(dict(corpus="c", model=["gru-autogen-m1", "gru-vae-anneal"], pct_repeats=[m1, anneal]))
        noise = replicates([({"corpus": "c", "model": "gru-autogen-m1"}, {"repeats": (m1, spread)}),
                            ({"corpus": "c", "model": "gru-vae-anneal"}, {"repeats": (anneal, spread)})])
        return claims.b5(repeats, noise)[0]["outcome"]
    assert (b5(30.0, 60.0, 2.0), b5(60.0, 30.0, 2.0), b5(50.0, 52.0, 5.0)) == ("holds", "fails", "undecided")
    lacking = claims.b5(pd.DataFrame(dict(corpus="c", model=["lstm-vae"], pct_repeats=[3.0])), None)[0]
    assert lacking["outcome"] == "undecided" and "AutoGen m = 1" in lacking["evidence"]


def test_the_bounds_by_the_entropy_fail_only_beyond_noise():
    summaries = pd.DataFrame(dict(corpus="c", model=["a", "b"], arch="lstm", objective="vae", entropy=20.0, C=0.0,
                                  rate=1.0, iw_nll=[21.0, 20.5], bound_gap=[1.0, -0.2]))
    def bound(spread):
        noise = replicates([({"corpus": "c", "model": "a"}, {"bound_gap": (1.0, 0.1), "iw_gap": (1.0, 0.1)}),
                            ({"corpus": "c", "model": "b"}, {"bound_gap": (-0.2, spread), "iw_gap": (0.5, 0.1)})])
        rows = {r["claim"]: r["outcome"] for r in claims.implied(summaries, noise)}
        return rows["implied.elbo_below_log_px"], rows["implied.iw_nll_at_least_entropy"]
    assert bound(0.5) == ("undecided", "holds") and bound(0.05) == ("fails", "holds")
    noise = replicates([({"corpus": "c", "model": m}, {"bound_gap": (1.0, 0.1), "iw_gap": (1.0, 0.1)}) for m in "ab"])
    rows = {r["claim"]: r["outcome"] for r in claims.implied(summaries.assign(bound_gap=[1.0, 0.3]), noise)}
    assert rows["implied.elbo_below_log_px"] == "holds"


def test_the_rate_carries_information_holds_fails_or_is_undecided():
    """R - MI against half of R at the largest C, beyond two standard errors of the MI."""
    def cell(arch, C, mi, se, n=1000):
        return dict(corpus="c", arch=arch, C=C, rate=C, mi=mi, mi_se=se, mi_posteriors=n, mu_norm2=0.4)
    frame = pd.DataFrame([cell("holds", 1, 0.0, 0.0), cell("holds", 3, 2.0, 0.1),  # 1.0 + 0.2 <= 1.5
                          cell("fails", 3, 1.0, 0.1),  # 2.0 - 0.2 > 1.5
                          cell("noise", 3, 1.5, 0.2),  # 1.5 +- 0.4 around 1.5
                          cell("capped", 20, 6.5, 0.01)])  # MI <= log 1000 = 6.9 < 10
    rows = {r["statement"].split("(")[1].split(")")[0]: r for r in claims.rate_carries_information(frame)}
    assert {k: r["outcome"] for k, r in rows.items()} == {"holds": "holds", "fails": "fails",
                                                          "noise": "undecided", "capped": "undecided"}
    evidence = rows["holds"]["evidence"]
    assert "C=3: R = 3.000, MI = 2.000" in evidence and "offset 1/2 ||mu||^2 = 0.200" in evidence
    assert "log n = 6.91" in rows["capped"]["evidence"] and "standard errors" in rows["noise"]["evidence"]


def test_summary_counts_each_outcome_per_experiment():
    frame = pd.DataFrame([claims._row("X.a", "X", "c", "a holds", True, "1"),
                          claims._row("X.b", "X", "c", "b holds", False, "2"),
                          claims._row("implied.c", "implied", "c", "c holds", None, "3")])
    lines = claims.summary(frame).splitlines()
    assert lines[0] == "claims: 3: 1 holds, 1 fails, 1 undecided"
    assert lines[1:3] == ["  X: 1 holds, 1 fails, 0 undecided", "  implied: 0 holds, 0 fails, 1 undecided"]
    assert "  fails: X.b [c] b holds: 2" in lines and "  undecided: implied.c [c] c holds: 3" in lines


def test_the_papers_values_are_spec_s():
    from textvae import paper
    from textvae.syntax import CATEGORIES

    cap = paper.capacity().set_index(["corpus", "C"])
    assert cap.loc[("CBT", 100.0), "logdetcov"] == -43.82 and cap.loc[("CBT", 100.0), "bleu4"] == 16.09
    # the reconstruction columns of WIKI and WebText exchanged back, the rest as printed
    assert tuple(cap.loc[("WIKI", 100.0), ["distortion", "bleu2", "rouge2", "bleu4", "rouge4"]]) == (
        17, 45.84, 45.30, 38.71, 39.66)
    assert tuple(cap.loc[("WebText", 100.0), ["distortion", "bleu2", "rouge2", "bleu4", "rouge4"]]) == (
        22, 31.84, 35.37, 24.17, 29.08)
    assert tuple(cap.loc[("WebText", 3.0), ["rate", "bleu2"]]) == (3, 6.78)
    syn = paper.syntax()
    assert set(syn["category"]) == set(CATEGORIES)
    npi = syn[(syn["category"] == "NPI: across a relative clause") & (syn["C"] == 100)].iloc[0]
    assert (npi["p1"], npi["p2"], npi["p1_bar"], npi["p2_bar"]) == (1.0, 0.0, 0.98, 0.02)
    fce = paper.fce().set_index(["corpus", "C", "scheme"])
    assert fce.loc[("CBT", 3, "greedy"), "fce"] == 86.6 and fce.loc[("WebText", 100, "nucleus0.9"), "fce"] == 93.7


def _seeded(values: dict, column: str, **fixed) -> pd.DataFrame:
    """One row per run: {C: [value of each seed]} -> models lstm-betac-C{C}-s{seed}."""
    return pd.DataFrame([dict(corpus="c", arch="lstm", model=f"lstm-betac-C{C:g}-s{seed}", C=float(C),
                              **{column: v}, **fixed)
                         for C, runs in values.items() for seed, v in enumerate(runs, 1)])


def test_trends_over_training_seeds_use_welch():
    """Means 50 and 40, sd 0.5, 3 seeds each: se = sqrt(2 x 0.25 / 3) = 0.408, df = 4,
    t = 2.776: the change -10 +- 1.13 falls beyond noise, without any bootstrap replicates."""
    def falls(values):
        return claims.trend(_seeded(values, "distortion"), "distortion", -1, None, ["corpus", "model"])
    holds, evidence = falls({3: [50.0, 50.5, 49.5], 15: [40.0, 40.5, 39.5]})
    assert holds is True and "[-11.1, -8.87] (Welch over 3 seeds)" in evidence
    assert falls({3: [40.0, 40.5, 39.5], 15: [50.0, 50.5, 49.5]})[0] is False
    undecided, evidence = falls({3: [50.0, 45.0, 55.0], 15: [49.0, 44.0, 56.0]})
    assert undecided is None and "within the noise" in evidence
    # one seed per C and no replicates: no noise estimate
    assert falls({3: [50.0], 15: [40.0]})[0] is None


def test_a3_a6_and_b1_over_training_seeds():
    ap = _seeded({3: [1.0, 1.1], 25: [5.0, 5.2]}, "aggregate_kl")
    assert claims.a3(ap)[0]["outcome"] == "holds" and "Welch over 2 seeds" in claims.a3(ap)[0]["evidence"]
    # A6 at large C, p1 of the 2 seeds 0.95, 0.97 (p2 0.5): t(1) = 12.71, so p1's interval is
    # 0.96 +- 0.127 (undecided against 0.9) and p1 - p2's [0.33, 0.59] (beyond 0.1: holds)
    def a6(large):
        rows = [dict(corpus="c", model=f"lstm-betac-C{C:g}-s{s}", C=C, category="k", p1=p1, p2=0.5 if C > 3 else 0.9,
                     n_scored=50) for C, runs in ((3.0, [0.9, 0.91]), (25.0, large)) for s, p1 in enumerate(runs, 1)]
        return {r["claim"]: r for r in claims.a6(pd.DataFrame(rows))}
    per = a6([0.95, 0.97])
    far_below = per["A6.large_C_p2_far_below[k]"]
    assert far_below["outcome"] == "holds" and "2 seeds" in far_below["evidence"]
    assert per["A6.large_C_p1_near_one[k]"]["outcome"] == "undecided"
    assert a6([0.96, 0.962])["A6.large_C_p1_near_one[k]"]["outcome"] == "holds"
    assert a6([0.5, 0.52])["A6.large_C_p1_near_one[k]"]["outcome"] == "fails"
    # B1: each model's final KL share over 2 seeds
    training = pd.concat([_history("lstm-vae-anneal-s1", -29.0, 2.0), _history("lstm-vae-anneal-s2", -29.0, 2.2),
                          _history("lstm-autogen-m1-s1", -29.5, 4.0), _history("lstm-autogen-m1-s2", -29.5, 4.4)])
    b1 = {r["claim"]: r for r in claims.b1(training)}
    assert b1["B1.m1_kl_share_exceeds_vae_anneal"]["outcome"] == "holds"
    spread = pd.concat([_history("lstm-vae-anneal-s1", -29.0, 1.0), _history("lstm-vae-anneal-s2", -29.0, 5.0),
                        _history("lstm-autogen-m1-s1", -29.5, 2.0), _history("lstm-autogen-m1-s2", -29.5, 5.0)])
    assert {r["claim"]: r["outcome"] for r in claims.b1(spread)}["B1.m1_kl_share_exceeds_vae_anneal"] == "undecided"


def test_tables_pool_the_training_seeds():
    from textvae.tables import over_seeds, write_table

    frame = pd.DataFrame(dict(corpus="c", model=["lstm-vae-s1", "lstm-vae-s2", "lstm-vae-anneal"],
                              step=10, rate=[1.0, 3.0, 2.0], seed=[1, 2, 1]))
    pooled = over_seeds(frame)
    assert list(pooled["model"]) == ["lstm-vae", "lstm-vae-anneal"] and list(pooled["seeds"]) == [2, 1]
    assert pooled["rate"].tolist() == [2.0, 2.0] and pooled["rate_sd"].iloc[0] == pytest.approx(np.sqrt(2))
    assert "seed" not in pooled and over_seeds(pooled) is pooled
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        write_table(frame, f"{tmp}/t.parquet", f"{tmp}/t.md", "t")
        text = open(f"{tmp}/t.md").read()
        write_table(frame.iloc[2:], f"{tmp}/u.parquet", f"{tmp}/u.md", "u")
        assert "training seeds" not in open(f"{tmp}/u.md").read()
    assert "## Mean ± sd over the training seeds" in text and "2.00 ± 1.41" in text
