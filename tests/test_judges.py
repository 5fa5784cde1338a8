"""B4's judges on sentences whose answer is known (textvae.judges)."""

import numpy as np
import pandas as pd
import pytest

from textvae.english import english_grammar
from textvae.judges import (
    acceptable,
    check_failure,
    corrupted,
    derivable,
    length_groups,
    pass_rates,
    slor,
    typical,
    unigram_logprobs,
)

EOS = 3  # ids 0-3: <pad>, <unk>, <bos>, <eos>; 4 "a", 5 "b"


def test_the_grammar_derives_what_makes_sense_in_its_language():
    """"the movies are good" is short, generic and likely: it makes sense, which the
    typicality judge would deny it; agreement errors and word salad do not."""
    ok, information = derivable([s.split() for s in ("the movies are good", "the movie are good",
                                                     "good the movies")], english_grammar("short"))
    assert ok.tolist() == [True, False, False]
    assert information[0] == pytest.approx(7.0624, abs=1e-4) and np.isinf(information[1:]).all()


def test_length_groups_split_as_tables_3_and_4():
    assert length_groups([3, 10, 11, 25], 10).tolist() == ["<=10", "<=10", ">10", ">10"]


def test_unigram_counts_the_training_tokens_and_one_eos_a_sentence():
    """[a a b] and [a]: a 3, b 1, </s> 2 of N = 6."""
    with np.errstate(divide="ignore"):
        expected = np.log(np.array([0, 0, 0, 2, 3, 1]) / 6)
    assert np.array_equal(unigram_logprobs([[4, 4, 5], [4]], 6, EOS), expected)


def test_slor_by_hand():
    """[a b] with log p_LM = -3: log p_unigram = log 1/2 + log 1/6 + log 1/3 (</s>) = -log 36,
    over |x| + 1 = 3 tokens: (log 36 - 3) / 3 = 0.19451."""
    unigram = unigram_logprobs([[4, 4, 5], [4]], 6, EOS)
    assert slor([-3.0], [[4, 5]], unigram, EOS) == pytest.approx([(np.log(36) - 3) / 3])
    assert slor([-3.0], [[4, 5]], unigram, EOS)[0] == pytest.approx(0.19451, abs=1e-5)


def test_acceptable_against_the_valid_sentences_of_the_same_length_group():
    """Short valid sentences have SLOR 1..100 (5 % quantile 5.95), long ones 201..300 (205.95):
    a long sample at 206 passes, a short one at 5.9 does not."""
    valid = np.concatenate([np.arange(1, 101), np.arange(201, 301)]).astype(float)
    valid_groups = np.array(["<=10"] * 100 + [">10"] * 100)
    passes, judge = acceptable([5.9, 6.0, 205.0, 206.0], ["<=10", "<=10", ">10", ">10"], valid, valid_groups)
    assert passes.tolist() == [False, True, False, True]
    assert "<=10: 5.95" in judge and ">10: 205.95" in judge
    # a group no valid sentence falls in: nothing of it can pass
    assert acceptable([1e9], [">40"], valid, valid_groups)[0].tolist() == [False]


def test_corruptions_are_seeded_and_swap_words_by_their_training_frequency():
    """2,000 copies of [c c c] (c = id 6, never in training): shuffled keeps the words, k swapped
    changes k positions, to a (900 of the ordinary words' 1,000 training tokens) or b, never a
    special or c."""
    with np.errstate(divide="ignore"):
        unigram = np.log(np.array([0, 100, 0, 100, 900, 100, 0]) / 1200)  # <unk> 100: seen, but special
    real = [[6, 6, 6]] * 2000 + [[4, 5, 6, 6]]
    specials = (0, 1, 2, 3)
    kinds = corrupted(real, unigram, specials, seed=7)
    assert list(kinds) == ["real", "shuffled", "1 swapped", "2 swapped", "3 swapped"]
    assert kinds == corrupted(real, unigram, specials, seed=7) and kinds != corrupted(real, unigram, specials, seed=8)
    assert kinds["real"] == real and sorted(kinds["shuffled"][-1]) == [4, 5, 6, 6]
    for k in (1, 2, 3):
        swaps = np.array(kinds[f"{k} swapped"][:2000])
        assert ((swaps != 6).sum(axis=1) == k).all() and set(swaps[swaps != 6]) == {4, 5}
    assert (np.array(kinds["1 swapped"][:2000]) == 4).sum() / 2000 == pytest.approx(0.9, abs=0.03)


def _checked(real, shuffled, changed):
    """A judge check of corpus c: the real sentences' and their shuffles' passes, all short."""
    return pd.DataFrame({"corpus": "c", "kind": ["real"] * len(real) + ["shuffled"] * len(shuffled),
                         "sentence": [*range(len(real)), *range(len(shuffled))], "group": "<=10",
                         "changed": [False] * len(real) + changed, "passes": real + shuffled, "judge": "j"})


def test_pass_rates_leave_out_corruptions_equal_to_their_sentence():
    """Real: 3 of 4 pass. Shuffled: the 4th equals its real sentence, so 1 of 3 pass."""
    rates = pass_rates(_checked([True, True, True, False], [True, False, False, True], [True, True, True, False]))
    got = rates.set_index(["kind", "group"])
    assert got.loc[("real", "all"), ["n", "passed"]].tolist() == [4, 3]
    assert got.loc[("shuffled", "<=10"), ["n", "passed"]].tolist() == [3, 1]
    assert got.loc[("shuffled", "all"), "pct_passed"] == pytest.approx(100 / 3)


def test_check_failure_at_the_bounds():
    """At least 90 % of real sentences must pass and at most 20 % of shuffled ones."""
    sound = pass_rates(_checked([True] * 9 + [False], [True] * 2 + [False] * 8, [True] * 10))  # 90 %, 20 %
    assert check_failure(sound, "c", "<=10") == "" and check_failure(sound, "c", "all") == ""
    lenient = pass_rates(_checked([True] * 10, [True] * 3 + [False] * 7, [True] * 10))  # 100 %, 30 %
    assert check_failure(lenient, "c", "<=10") == (
        "the judge fails its check at length <=10: it passes 100.0 % of real test sentences (at least 90 % needed) "
        "and 30.0 % of shuffled ones (at most 20 %)")
    strict = pass_rates(_checked([True] * 8 + [False] * 2, [False] * 10, [True] * 10))  # 80 %, 0 %
    assert "80.0 % of real" in check_failure(strict, "c", "<=10")
    assert check_failure(sound, "c", ">10") == "the judge's check has no real test sentence of length >10"


def test_typical_fails_the_too_likely_and_the_too_unlikely():
    test = np.arange(1, 1001, dtype=float)  # central 95 %: [25.975, 975.025]
    passes, judge = typical([10.0, 500.0, 990.0, np.inf], test)
    assert passes.tolist() == [False, True, False, False] and "[25.98, 975.02]" in judge
