import itertools
import math
import random

import pytest

from textvae.english import LEXICON, PROFILES, english_grammar
from textvae.grammar import PCFG, GrammarError

# A tiny ambiguous grammar with a finite language: "a a a" has two derivations.
TINY = {
    "S": [(("X", "Y"), 0.5), (("a",), 0.2), (("X", "a"), 0.3)],
    "X": [(("a",), 0.6), (("a", "a"), 0.4)],
    "Y": [(("a", "a"), 0.7), (("b",), 0.3)],
}


def language(grammar, symbol="S"):
    """Every (string, derivation probability) of a finite grammar, by full expansion."""
    if symbol not in grammar.rules:
        return [((symbol,), 1.0)]
    out = []
    for rhs, p in grammar.rules[symbol]:
        for parts in itertools.product(*(language(grammar, s) for s in rhs)):
            out.append((sum((w for w, _ in parts), ()), p * math.prod(q for _, q in parts)))
    return out


def test_probabilities_sum_to_one_over_the_whole_language():
    g = PCFG(TINY)
    strings = {w for w, _ in language(g)}
    assert sum(math.exp(g.logprob(list(w))) for w in strings) == pytest.approx(1.0, abs=1e-12)


def test_logprob_sums_over_derivations_by_hand():
    g = PCFG(TINY)
    # "a a a" has two derivations: S -> X Y, X -> a, Y -> a a  (0.5 * 0.6 * 0.7)
    #                          and S -> X a, X -> a a          (0.3 * 0.4)
    assert math.exp(g.logprob("a a a".split())) == pytest.approx(0.5 * 0.6 * 0.7 + 0.3 * 0.4)
    assert math.exp(g.logprob(["a"])) == pytest.approx(0.2)
    assert g.logprob("b a".split()) == -math.inf
    assert g.logprob(["c"]) == -math.inf


def test_weights_are_normalised_and_bad_grammars_refused():
    g = PCFG({"S": [(("x",), 3.0), (("y",), 1.0)]})
    assert math.exp(g.logprob(["x"])) == pytest.approx(0.75)
    with pytest.raises(GrammarError, match="unary"):
        PCFG({"S": [(("A",), 1.0)], "A": [(("S",), 0.5), (("a",), 0.5)]})
    with pytest.raises(GrammarError, match="empty"):
        PCFG({"S": [((), 1.0)]})


def test_sampling_is_seeded_and_samples_are_derivable():
    g = english_grammar("short")
    a = [g.sample(random.Random(3)) for _ in range(3)]
    b = [g.sample(random.Random(3)) for _ in range(3)]
    assert a == b
    rng = random.Random(0)
    for _ in range(50):
        assert math.isfinite(g.logprob(g.sample(rng)))


GOOD = [
    "the author laughs",
    "the authors near the car laugh",  # agreement across a PP
    "the author that likes the guards laughs",  # across a subject relative
    "the author that the guards like laughs",  # across an object relative
    "the author the guards like laughs",  # ... without "that"
    "the movies that the guard likes are good",  # within an object relative
    "the pilot thinks that the author laughs",  # sentential complement
    "the pilot thinks the authors laugh",
    "the author laughs and swims",  # short VP coordination
    "the author likes the movies and hates the books",  # long VP coordination
    "the author hurts himself",  # reflexive
    "the authors that the guard likes hurt themselves",  # reflexive across a relative clause
    "the pilot thinks that the author hurts himself",  # reflexive in a sentential complement
    "no authors have ever been famous",  # NPI
    "no authors that the guards like have ever been famous",
]
BAD = [
    "the author laugh",
    "the authors near the car laughs",
    "the author that the guards like laugh",
    "the movies that the guard like are good",
    "the author hurts themselves",
    "the authors have ever been famous",
    "the authors that no guards like have ever been famous",
    "the author laughs and swim",
]


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_english_grammar_covers_the_syntactic_test_constructions(profile):
    g = english_grammar(profile)
    for sentence in GOOD:
        assert math.isfinite(g.logprob(sentence.split())), sentence
    for sentence in BAD:
        assert g.logprob(sentence.split()) == -math.inf, sentence


def test_profiles_share_a_language_but_differ_in_length():
    short, long = english_grammar("short"), english_grammar("long")
    assert short.terminals == long.terminals
    assert 300 <= len(short.terminals) <= 2000
    rng = random.Random(1)
    mean = lambda g: sum(len(g.sample(rng)) for _ in range(500)) / 500  # noqa: E731
    assert mean(long) > mean(short) + 2


def test_lexicon_has_singular_and_plural_forms():
    for kind in ("noun_animate", "noun_inanimate", "verb_intransitive", "verb_transitive"):
        assert all(len(set(forms[:2])) == 2 for forms in LEXICON[kind]), kind
