"""B4's judges on sentences whose answer is known (textvae.judges)."""

import numpy as np
import pytest

from textvae.english import english_grammar
from textvae.judges import derivable, fluent, length_groups, typical


def test_the_grammar_derives_what_makes_sense_in_its_language():
    """"the movies are good" is short, generic and likely: it makes sense, which the
    typicality judge would deny it; agreement errors and word salad do not."""
    ok, information = derivable([s.split() for s in ("the movies are good", "the movie are good",
                                                     "good the movies")], english_grammar("short"))
    assert ok.tolist() == [True, False, False]
    assert information[0] == pytest.approx(7.0624, abs=1e-4) and np.isinf(information[1:]).all()


def test_length_groups_split_as_tables_3_and_4():
    assert length_groups([3, 10, 11, 25], 10).tolist() == ["<=10", "<=10", ">10", ">10"]


def test_fluent_against_the_test_sentences_of_the_same_length_group():
    """Short test sentences have per-token NLL 1..100 (95 % quantile 95.05), long ones 201..300
    (295.05): a long sample at 250 passes, a short one at 96 does not."""
    test_nll = np.concatenate([np.arange(1, 101), np.arange(201, 301)]).astype(float)
    test_groups = np.array(["<=10"] * 100 + [">10"] * 100)
    passes, judge = fluent([96.0, 95.0, 250.0, 296.0], ["<=10", "<=10", ">10", ">10"], test_nll, test_groups)
    assert passes.tolist() == [False, True, True, False]
    assert "<=10: 95.05" in judge and ">10: 295.05" in judge
    # a group no test sentence falls in: nothing of it can be judged fluent
    assert fluent([1.0], [">40"], test_nll, test_groups)[0].tolist() == [False]


def test_typical_fails_the_too_likely_and_the_too_unlikely():
    test = np.arange(1, 1001, dtype=float)  # central 95 %: [25.975, 975.025]
    passes, judge = typical([10.0, 500.0, 990.0, np.inf], test)
    assert passes.tolist() == [False, True, False, False] and "[25.98, 975.02]" in judge
