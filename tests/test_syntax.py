"""Marvin & Linzen pairs and the p1/p2 scores, on hand-set inputs."""

import math
import os
import pickle

import numpy as np
import pandas as pd
import pytest
from conftest import shared_corpus

from textvae.english import english_grammar
from textvae.syntax import (
    CATEGORIES,
    PairsError,
    builtin_pairs,
    load_marvin_linzen,
    load_test_set,
    pair_accuracies,
    score_pairs,
)


def test_builtin_pairs_are_grammatical_and_ungrammatical_under_the_grammar():
    pairs = builtin_pairs(per_subcase=8, seed=3)
    grammar = english_grammar("long")
    assert all(grammar.logprob(s.split()) > -math.inf for s in pairs["good"])
    assert all(grammar.logprob(s.split()) == -math.inf for s in pairs["bad"])
    # every category of the paper's Table 4, names as in Marvin & Linzen
    assert set(pairs["category"]) == set(CATEGORIES)
    assert "sing_MS_MV" in set(pairs["subcase"]) and "plur_MS_ANPHR_sing_ES_EV" in set(pairs["subcase"])
    assert pairs.groupby(["test_set", "subcase"]).size().eq(8).all()
    assert pairs.equals(builtin_pairs(per_subcase=8, seed=3))


def test_the_original_test_sets_load_whole():
    folder = shared_corpus("marvin-linzen")
    pairs = load_marvin_linzen(folder)
    assert len(list(folder.glob("*.pickle"))) == 22 and len(pairs) == 163124
    assert set(pairs["category"]) == set(CATEGORIES)
    npi = pairs[pairs["test_set"] == "npi_across_anim"].iloc[0]  # the pair, not the intrusive third
    assert npi["good"].startswith("no ") and " no " in npi["bad"]


class _RunsCode:
    def __reduce__(self):
        return (os.system, ("echo this should never run",))


def test_a_pickle_that_would_run_code_is_refused(tmp_path):
    path = tmp_path / "simple_agrmt.pickle"
    path.write_bytes(pickle.dumps({"sing_MS_MV": [_RunsCode()]}))
    with pytest.raises(PairsError, match=r"simple_agrmt.pickle: not a plain .*refused global .*system"):
        load_test_set(path)


@pytest.mark.parametrize("data, message", [
    (["the author laughs", "the author laugh"], "expected a dict"),
    ({"sing_MS_MV": [("the author laughs",)]}, "item 0: expected a tuple of 2 or 3"),
    ({"sing_MS_MV": "the author laughs"}, "is not a name with a list"),
])
def test_a_pickle_of_another_shape_is_refused(tmp_path, data, message):
    path = tmp_path / "simple_agrmt.pickle"
    path.write_bytes(pickle.dumps(data))
    with pytest.raises(PairsError, match=message):
        load_test_set(path)


def test_p1_p2_on_a_hand_built_scorer():
    # z of a sentence: 1 if it is one of the grammatical ones, else 0.  The scorer prefers the
    # grammatical sentence when z = 1 and the ungrammatical one when z = 0, except for pair 2.
    pairs = pd.DataFrame(dict(category="c", test_set="t", subcase=["a", "a", "b", "b"],
                              good=["g0", "g1", "g2", "g3"], bad=["b0", "b1", "b2", "b3"]))

    def encode_mean(sentences):
        return np.array([[1.0 if s.startswith("g") else 0.0] for s in sentences])

    def log_likelihood(sentences, z):
        out = []
        for s, (code,) in zip(sentences, z):
            grammatical = s.startswith("g")
            if s.endswith("2"):
                grammatical = not grammatical  # pair 2 is always judged backwards
            prefers_good = code > 0.5  # z+ (code 1) or z- (code 0); a sub-case mean is 0.5
            out.append(-1.0 if grammatical == prefers_good else -2.0)
        return np.array(out)

    scores = score_pairs(pairs, encode_mean, log_likelihood).assign(lost=False)
    acc = pair_accuracies(scores)
    # z+: pairs 0, 1, 3 right -> p1 = 3/4; z-: only pair 2 right -> p2 = 1/4
    assert (acc["n_pairs"], acc["p1"], acc["p2"]) == (4, 0.75, 0.25)
    # sub-case means of z+ and z- are 1 and 0 as well: the same shares
    assert (acc["p1_bar"], acc["p2_bar"]) == (0.75, 0.25)
    assert list(scores["good_zgood"]) == [-1.0, -1.0, -2.0, -1.0]


def test_p_bar_averages_the_sub_cases_accuracies_as_the_authors_code():
    """Codes vary within a sub-case, and the sub-cases differ in size.  The scorer prefers the
    grammatical sentence when the code is above 0.5.  Sub-case a (3 pairs) has z+ codes 1.0,
    0.2, 0.9 (mean 0.7) and z- codes 0; sub-case b (1 pair) has z+ code 0 and z- code 1."""
    pairs = pd.DataFrame(dict(category="c", test_set="t", subcase=["a", "a", "a", "b"],
                              good=["g0", "g1", "g2", "g3"], bad=["b0", "b1", "b2", "b3"]))
    codes = {"g0": 1.0, "g1": 0.2, "g2": 0.9, "g3": 0.0, "b0": 0.0, "b1": 0.0, "b2": 0.0, "b3": 1.0}

    def encode_mean(sentences):
        return np.array([[codes[s]] for s in sentences])

    def log_likelihood(sentences, z):
        return np.array([-1.0 if (s.startswith("g") == (code > 0.5)) else -2.0 for s, (code,) in zip(sentences, z)])

    acc = pair_accuracies(score_pairs(pairs, encode_mean, log_likelihood).assign(lost=False))
    # own codes: z+ right for pairs 0 and 2, z- right for pair 3 only
    assert (acc["p1"], acc["p2"]) == (0.5, 0.25)
    # sub-case means: a's z+ 0.7 (3 of 3 right), b's 0 (0 of 1): (1 + 0) / 2, not 3/4 pooled;
    # z-: a's 0 (0 of 3), b's 1 (1 of 1): (0 + 1) / 2, not 1/4 pooled
    assert (acc["p1_bar"], acc["p2_bar"]) == (0.5, 0.5)


def test_pairs_lost_to_the_vocabulary_and_ties_are_counted_apart():
    """Pair 0 is lost (both sentences the same ids: a tie that says nothing); pair 1 ties by
    chance under z+; pairs 2 and 3 are decided. p1 over the 3 pairs told apart: 1 of 3 right."""
    scores = pd.DataFrame(dict(lost=[True, False, False, False], test_set="t", subcase="a",
                               good_zgood=[-5.0, -3.0, -1.0, -4.0], bad_zgood=[-5.0, -3.0, -2.0, -2.0],
                               good_zbad=[-5.0, -1.0, -2.0, -2.0], bad_zbad=[-5.0, -2.0, -1.0, -1.0]))
    for column in list(scores.columns[1:]):
        scores[f"{column}_bar"] = scores[column]
    acc = pair_accuracies(scores)
    assert (acc["n_pairs"], acc["pairs_lost"], acc["n_scored"]) == (4, 1, 3)
    assert acc["p1"] == pytest.approx(1 / 3) and acc["ties_p1"] == 1
    assert acc["p2"] == pytest.approx(1 / 3) and acc["ties_p2"] == 0
    none_told_apart = pair_accuracies(scores.assign(lost=True))
    assert none_told_apart["n_scored"] == 0 and np.isnan(none_told_apart["p1"])


def test_a_limit_per_subcase_samples_the_original_test_sets():
    folder = shared_corpus("marvin-linzen")
    pairs = load_marvin_linzen(folder, per_subcase=5, seed=1)
    sizes = pairs.groupby(["test_set", "subcase"]).size()
    assert sizes.max() == 5 and set(pairs["category"]) == set(CATEGORIES)
    assert pairs.equals(load_marvin_linzen(folder, per_subcase=5, seed=1))  # seeded
    assert not pairs.equals(load_marvin_linzen(folder, per_subcase=5, seed=2))
