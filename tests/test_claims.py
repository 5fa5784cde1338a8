"""The claims' rules on hand-made tables."""

import math

import pandas as pd
import pytest

from textvae import claims


def test_spearman_and_trends():
    assert claims.spearman([3, 15, 25], [10, 8, 1]) == pytest.approx(-1)
    assert claims.spearman([3, 15, 25], [1, 3, 2]) == pytest.approx(0.5)
    assert math.isnan(claims.spearman([3, 15, 25], [32, 32, 32]))
    frame = pd.DataFrame(dict(C=[25, 3, 15], value=[1.0, 3.0, 2.0]))
    assert claims._trend(frame, "value", -1)[0] and not claims._trend(frame, "value", 1)[0]
    assert "C=3: 3, C=15: 2, C=25: 1; Spearman -1.00" == claims._trend(frame, "value", -1)[1]


def test_a1_rate_on_target_and_trends():
    rd = pd.DataFrame(dict(corpus="c", arch="lstm", model=["m3", "m8", "m15"], C=[3.0, 8.0, 15.0],
                           rate=[3.2, 8.9, 16.2], distortion=[20.0, 18.0, 15.0],
                           logdetcov=[-1.0, -5.0, -4.0]))
    rows = {r["claim"]: r for r in claims.a1(rd)}
    assert not rows["A1.rate_on_target"]["holds"]  # |16.2 - 15| > 1
    assert "largest |R - C| = 1.200 (m15: R = 16.200)" in rows["A1.rate_on_target"]["evidence"]
    assert rows["A1.distortion_falls"]["holds"] and not rows["A1.logdetcov_falls"]["holds"]


def test_a6_rules():
    syntax = pd.DataFrame(dict(corpus="c", category="all", C=[3.0, 100.0], p1=[0.80, 0.95],
                               p2=[0.78, 0.90]))
    rows = {r["claim"]: r["holds"] for r in claims.a6(syntax)}
    assert rows == {"A6.small_C_p1_equals_p2": True, "A6.large_C_p1_near_one": True,
                    "A6.large_C_p2_far_below": False}  # 0.05 below is not "far below"


def test_falls_after_the_early_phase():
    steps = list(range(10, 101, 10))
    # rises to -20 at step 50, then falls to -22: more than 1 % below
    assert claims.falls_after_early_phase(steps, [-30, -25, -22, -21, -20, -20.5, -21, -21.5, -22, -22])[0]
    # rises and stays: not a fall
    assert not claims.falls_after_early_phase(steps, [-30, -25, -22, -21, -20, -20, -20, -20, -20, -20.1])[0]
    # the first 10 % of the steps does not count as the peak
    assert not claims.falls_after_early_phase(steps, [-10, -25, -22, -21, -20, -20, -20, -20, -20, -20])[0]


def test_b3_beats_needs_a_significant_majority():
    pref = pd.DataFrame(dict(corpus="c", model=["a", "b"], versus=["x", "y"], wins=[9, 6], losses=[1, 4],
                             ties=[0, 0], pct_wins=[90.0, 60.0], p_value=[0.0215, 0.754]))
    assert [r["holds"] for r in claims.b3(pref)] == [True, False]


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
    text = claims.summary(pd.DataFrame(rows.values()).assign(experiment="implied", claim="r"))
    assert text.splitlines()[0] == "claims: 1 of 4 hold, 2 undecided" and "undecided: r [c]" in text


def test_summary_lists_the_failures():
    frame = pd.DataFrame([claims._row("X.a", "X", "c", "a holds", True, "1"),
                          claims._row("X.b", "X", "c", "b holds", False, "2")])
    text = claims.summary(frame)
    assert text.splitlines()[0] == "claims: 1 of 2 hold" and "fails: X.b [c] b holds: 2" in text


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


def test_fce_below_the_entropy_fails_the_implied_check():
    """Built-in corpus, H = 20: nucleus 0.9 with a few % unk and a covering top-15 LM are bound
    by H; greedy's LM, with most of the test set as <unk>, is not checked."""
    runs = pd.DataFrame(dict(corpus="short", model=["m3", "m3", "m3"], scheme=["nucleus0.9", "top15", "greedy"],
                             fce=[29.0, 25.0, 12.0], entropy=20.0, test_pct_unk=[2.0, 0.0, 56.0]))
    (row,) = claims.fce_at_least_entropy(runs)
    assert row["holds"] and "2 (model, scheme) rows" in row["evidence"] and "FCE - H = 5.000" in row["evidence"]
    # one vocabulary for every scheme: the nucleus LM scores a test set that is mostly <unk>
    shared = runs.assign(fce=[11.6, 25.0, 12.0], test_pct_unk=[91.0, 0.0, 91.0])
    (row,) = claims.fce_at_least_entropy(shared)
    assert not row["holds"] and "91.0 % unk" in row["evidence"]
    assert claims.fce_at_least_entropy(runs.assign(entropy=float("nan"))) == []  # a real corpus
