"""Targeted syntactic evaluation (Marvin & Linzen 2018) of a VAE, as in Prokhorov et al. (2019) Table 4.

Minimal pairs (x+, x-), real or from the built-in lexicon; with z+, z- their posterior
means, p1 = share of pairs with log p(x-|z+) < log p(x+|z+), p2 the same under z-, p1_bar
and p2_bar under per-sub-case mean codes.  Why: docs/design.md#syntax.
"""

from __future__ import annotations

import pickle
import random
from pathlib import Path

import numpy as np
import pandas as pd

from .english import LEXICON

# the paper's categories (Table 4) and the Marvin & Linzen test sets each one pools
CATEGORIES = {
    "simple agreement": ["simple_agrmt"],
    "sentential complement": ["sent_comp"],
    "short VP coordination": ["vp_coord"],
    "long VP coordination": ["long_vp_coord"],
    "across a prepositional phrase": ["prep_anim", "prep_inanim"],
    "across a subject relative clause": ["subj_rel"],
    "across an object relative clause": ["obj_rel_across_anim", "obj_rel_across_inanim"],
    "across an object relative (no that)": ["obj_rel_no_comp_across_anim",
                                            "obj_rel_no_comp_across_inanim"],
    "in an object relative clause": ["obj_rel_within_anim", "obj_rel_within_inanim"],
    "in an object relative (no that)": ["obj_rel_no_comp_within_anim",
                                        "obj_rel_no_comp_within_inanim"],
    "reflexive: simple": ["simple_reflexives"],
    "reflexive: in a sentential complement": ["reflexive_sent_comp"],
    "reflexive: across a relative clause": ["reflexives_across"],
    "NPI: simple": ["simple_npi_anim", "simple_npi_inanim"],
    "NPI: across a relative clause": ["npi_across_anim", "npi_across_inanim"],
}
CATEGORY_OF = {test_set: category for category, sets in CATEGORIES.items() for test_set in sets}
PAIR_COLUMNS = ["category", "test_set", "subcase", "good", "bad"]


class PairsError(ValueError):
    """A test-set file that is not a Marvin & Linzen pickle; the message names it."""


class _PlainData(pickle.Unpickler):
    """Unpickler restricted to plain data.

    Unpickles dict, list, tuple and str only: those need no global, so any global a pickle
    asks for (a class, a function such as os.system) is refused before it can run."""

    def find_class(self, module, name):
        raise pickle.UnpicklingError(f"refused global {module}.{name}: only dict, list, tuple "
                                     "and str are admitted")


def load_test_set(path) -> pd.DataFrame:
    """One Marvin & Linzen pickle -> rows (category, test_set, subcase, good, bad)."""
    path = Path(path)
    try:
        with open(path, "rb") as f:
            data = _PlainData(f).load()
    except (pickle.UnpicklingError, EOFError, ValueError) as err:
        raise PairsError(f"{path}: not a plain Marvin & Linzen pickle ({err})") from None
    if not isinstance(data, dict):
        raise PairsError(f"{path}: expected a dict sub-case -> list of sentence tuples, "
                         f"found {type(data).__name__}")
    test_set = path.stem
    if test_set not in CATEGORY_OF:
        raise PairsError(f"{path}: unknown test set {test_set!r}; expected one of {sorted(CATEGORY_OF)}")
    rows = []
    for subcase, items in data.items():
        if not isinstance(subcase, str) or not isinstance(items, list):
            raise PairsError(f"{path}: sub-case {subcase!r} is not a name with a list of tuples")
        for i, item in enumerate(items):
            if not (isinstance(item, tuple) and len(item) in (2, 3) and all(isinstance(s, str) for s in item)):
                raise PairsError(f"{path}: sub-case {subcase!r}, item {i}: expected a tuple of 2 or 3 "
                                 f"sentences, found {item!r:.80}")
            rows.append((CATEGORY_OF[test_set], test_set, subcase, item[0], item[1]))
    return pd.DataFrame(rows, columns=PAIR_COLUMNS)


def load_marvin_linzen(folder, per_subcase: int | None = None, seed: int = 1) -> pd.DataFrame:
    """Marvin & Linzen's test sets from a folder as one frame of pairs.

    Every `*.pickle` test set in folder; with `per_subcase`, a seeded
    sample of at most that many pairs of every sub-case, in their order in the file."""
    files = sorted(Path(folder).glob("*.pickle"))
    if not files:
        raise PairsError(f"{folder}: no Marvin & Linzen *.pickle file")
    pairs = pd.concat([load_test_set(f) for f in files], ignore_index=True)
    if per_subcase is None:
        return pairs
    rng = np.random.default_rng(seed)
    keep = [i for rows in pairs.groupby(["test_set", "subcase"], sort=False).indices.values()
            for i in rng.choice(rows, min(per_subcase, len(rows)), replace=False)]
    return pairs.loc[sorted(keep)].reset_index(drop=True)


# --- pairs from the built-in grammar -------------------------------------------------------

_NUM = {"sing": 0, "plur": 1}
_KEY = {"sing": "sg", "plur": "pl"}
_OTHER = {"sing": "plur", "plur": "sing"}


class _Words:
    """Random words of the built-in lexicon.

    For a number ('sing' or 'plur') the word agreeing
    with it and, where a pair needs it, the form of the other number."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def noun(self, num, animate=True):
        return "the " + self.bare_noun(num, animate)

    def bare_noun(self, num, animate=True):
        return self.rng.choice(LEXICON["noun_animate" if animate else "noun_inanimate"])[_NUM[num]]

    def _verb(self, kind, num):
        verb = self.rng.choice(LEXICON[kind])
        return verb[_NUM[num]], verb[_NUM[_OTHER[num]]]

    def vi(self, num):
        return self._verb("verb_intransitive", num)

    def vt(self, num):
        return self._verb("verb_transitive", num)

    def vs(self, num):
        return self._verb("verb_sentential", num)[0]

    def copula(self, num):
        return LEXICON["copula"][_KEY[num]], LEXICON["copula"][_KEY[_OTHER[num]]]

    def reflexive(self, num):
        return (self.rng.choice(LEXICON["reflexive"][_KEY[num]]),
                self.rng.choice(LEXICON["reflexive"][_KEY[_OTHER[num]]]))

    def perfect(self, num):
        return LEXICON["perfect"][_KEY[num]]

    def adjective(self):
        return self.rng.choice(LEXICON["adjective"])

    def predicate(self, num, animate=True):
        """A main predicate agreeing with num, and its form for the other number.

        An intransitive
        verb for an animate subject, copula + adjective for an inanimate one."""
        if animate:
            return self.vi(num)
        (right, wrong), adj = self.copula(num), self.adjective()
        return f"{right} {adj}", f"{wrong} {adj}"

    def preposition(self):
        return self.rng.choice(LEXICON["preposition"])

    def any_object(self):
        return self.noun(self.rng.choice(["sing", "plur"]), animate=self.rng.random() < 0.5)


def _agreement(w, m):
    right, wrong = w.vi(m)
    subject = w.noun(m)
    return f"{subject} {right}", f"{subject} {wrong}"


def _sent_comp(w, m, b):
    """m: the number of the complement's subject and verb; b: of the subject around it."""
    right, wrong = w.vi(m)
    head = f"{w.noun(b)} {w.vs(b)} {w.noun(m)}"
    return f"{head} {right}", f"{head} {wrong}"


def _vp_coord(w, m):
    first, _ = w.vi(m)
    right, wrong = w.vi(m)
    head = f"{w.noun(m)} {first} and"
    return f"{head} {right}", f"{head} {wrong}"


def _long_vp_coord(w, m):
    first, _ = w.vt(m)
    right, wrong = w.vt(m)
    head = f"{w.noun(m)} {first} {w.any_object()} and"
    return f"{head} {right} {w.any_object()}", f"{head} {wrong} {w.any_object()}"


def _prep(w, m, e, animate):
    head = f"{w.noun(m, animate)} {w.preposition()} {w.noun(e)}"
    right, wrong = w.predicate(m, animate)
    return f"{head} {right}", f"{head} {wrong}"


def _subj_rel(w, m, e):
    verb, _ = w.vt(m)
    right, wrong = w.vi(m)
    head = f"{w.noun(m)} that {verb} {w.noun(e)}"
    return f"{head} {right}", f"{head} {wrong}"


def _obj_rel(w, m, e, animate, that, within):
    """An object relative clause agreement pair.

    Agreement of the main verb across an object relative clause or, `within`, of the
    clause's own verb with its subject."""
    rel_right, rel_wrong = w.vt(e)
    subject = f"{w.noun(m, animate)}{' that' if that else ''} {w.noun(e)}"
    main_right, main_wrong = w.predicate(m, animate)
    good = f"{subject} {rel_right} {main_right}"
    if within:
        return good, f"{subject} {rel_wrong} {main_right}"
    return good, f"{subject} {rel_right} {main_wrong}"


def _reflexive(w, m):
    verb, _ = w.vt(m)
    right, wrong = w.reflexive(m)
    head = f"{w.noun(m)} {verb}"
    return f"{head} {right}", f"{head} {wrong}"


def _reflexive_sent_comp(w, m, b):
    verb, _ = w.vt(m)
    right, wrong = w.reflexive(m)
    head = f"{w.noun(b)} {w.vs(b)} {w.noun(m)} {verb}"
    return f"{head} {right}", f"{head} {wrong}"


def _reflexives_across(w, m, e):
    rel, _ = w.vt(e)
    verb, _ = w.vt(m)
    right, wrong = w.reflexive(m)
    head = f"{w.noun(m)} that {w.noun(e)} {rel} {verb}"
    return f"{head} {right}", f"{head} {wrong}"


def _npi(w, m, across):
    noun, tail = w.bare_noun(m), f"{w.perfect(m)} ever been {w.adjective()}"
    if not across:
        return f"no {noun} {tail}", f"the {noun} {tail}"
    e = w.rng.choice(["sing", "plur"])
    rel, _ = w.vt(e)
    other = w.bare_noun(e)
    return (f"no {noun} that the {other} {rel} {tail}", f"the {noun} that no {other} {rel} {tail}")


def _sub_cases():
    """The built-in sub-cases of each test set.

    test set -> [(sub-case name, function of the words giving (good, bad))], the names as in
    Marvin & Linzen's pickles (MS/MV main subject/verb, ES/EV embedded, BS the subject around a
    sentential complement, IS/IV inanimate, ANPHR the anaphor)."""
    nums = ("sing", "plur")
    pairs = [(m, e) for m in nums for e in nums]
    cases = {
        "simple_agrmt": [(f"{m}_MS_MV", lambda w, m=m: _agreement(w, m)) for m in nums],
        "sent_comp": [(f"{m}_MS_MV_{b}_BS", lambda w, m=m, b=b: _sent_comp(w, m, b)) for m, b in pairs],
        "vp_coord": [(f"{m}_MS_MV_MV", lambda w, m=m: _vp_coord(w, m)) for m in nums],
        "long_vp_coord": [(f"{m}_MS_LMV_LMV", lambda w, m=m: _long_vp_coord(w, m)) for m in nums],
        "prep_anim": [(f"{m}_MS_MV_{e}_ES", lambda w, m=m, e=e: _prep(w, m, e, True)) for m, e in pairs],
        "prep_inanim": [(f"{m}_IS_IV_{e}_ES", lambda w, m=m, e=e: _prep(w, m, e, False)) for m, e in pairs],
        "subj_rel": [(f"{m}_MS_EV_MV_{e}_ES", lambda w, m=m, e=e: _subj_rel(w, m, e)) for m, e in pairs],
        "simple_reflexives": [(f"{m}_MS_ANPHR", lambda w, m=m: _reflexive(w, m)) for m in nums],
        "reflexive_sent_comp": [(f"{m}_MS_ANPHR_{b}_BS", lambda w, m=m, b=b: _reflexive_sent_comp(w, m, b))
                                for m, b in pairs],
        "reflexives_across": [(f"{m}_MS_ANPHR_{e}_ES_EV", lambda w, m=m, e=e: _reflexives_across(w, m, e))
                              for m, e in pairs],
        # the built-in grammar licenses "ever" under animate "no" subjects only
        "simple_npi_anim": [("past", lambda w: _npi(w, w.rng.choice(nums), False))],
        "npi_across_anim": [("past", lambda w: _npi(w, w.rng.choice(nums), True))],
    }
    for that in (True, False):
        comp = "" if that else "no_comp_"
        for animate, mark in ((True, "MS_MV"), (False, "IS_IV")):
            kind = "anim" if animate else "inanim"
            cases[f"obj_rel_{comp}across_{kind}"] = [
                (f"{m}_{mark}_{e}_ES_EV", lambda w, m=m, e=e, a=animate, t=that: _obj_rel(w, m, e, a, t, False))
                for m, e in pairs]
            cases[f"obj_rel_{comp}within_{kind}"] = [
                (f"{e}_ES_EV_{m}_{mark}", lambda w, m=m, e=e, a=animate, t=that: _obj_rel(w, m, e, a, t, True))
                for m, e in pairs]
    return cases


BUILTIN_PER_SUBCASE = 40  # A6's per_subcase left out


def builtin_pairs(per_subcase: int, seed: int) -> pd.DataFrame:
    """Minimal pairs generated from the built-in grammar.

    `per_subcase` distinct pairs for every sub-case of every test set the built-in grammar
    can express, words drawn with `seed`."""
    rng = random.Random(seed)
    words = _Words(rng)
    rows = []
    for test_set, subcases in _sub_cases().items():
        for subcase, make in subcases:
            seen = set()
            for _ in range(50 * per_subcase):
                if len(seen) == per_subcase:
                    break
                pair = make(words)
                if pair not in seen:
                    seen.add(pair)
                    rows.append((CATEGORY_OF[test_set], test_set, subcase, *pair))
    return pd.DataFrame(rows, columns=PAIR_COLUMNS)


# --- scoring --------------------------------------------------------------------------------

def score_pairs(pairs: pd.DataFrame, encode_mean, log_likelihood) -> pd.DataFrame:
    """The four log-likelihoods of every pair under its own and its sub-case's mean codes.

    encode_mean(sentences) -> array (n, dz) of posterior means; log_likelihood(sentences, z) ->
    array (n,) of log p(sentence_i | z_i).  Adds columns good_zgood, bad_zgood, good_zbad,
    bad_zbad (log p(x | z) with z = z+ or z-) and the same with `_bar` for the sub-case means."""
    out = pairs.reset_index(drop=True).copy()
    good, bad = list(out["good"]), list(out["bad"])
    z_good, z_bad = np.asarray(encode_mean(good)), np.asarray(encode_mean(bad))
    keys = out["test_set"] + "/" + out["subcase"]
    codes = {"": (z_good, z_bad),
             "_bar": tuple(pd.DataFrame(z).groupby(keys.to_numpy()).transform("mean").to_numpy()
                           for z in (z_good, z_bad))}
    for suffix, (zg, zb) in codes.items():
        out[f"good_zgood{suffix}"] = log_likelihood(good, zg)
        out[f"bad_zgood{suffix}"] = log_likelihood(bad, zg)
        out[f"good_zbad{suffix}"] = log_likelihood(good, zb)
        out[f"bad_zbad{suffix}"] = log_likelihood(bad, zb)
    return out


SHARES = {"p1": ("bad_zgood", "good_zgood"), "p2": ("bad_zbad", "good_zbad"),
          "p1_bar": ("bad_zgood_bar", "good_zgood_bar"), "p2_bar": ("bad_zbad_bar", "good_zbad_bar")}


def pair_hits(scores: pd.DataFrame) -> pd.DataFrame:
    """Per pair and share, whether the ungrammatical sentence is the less likely.

    A strict comparison, under each of SHARES' codes: one 0/1 column per share."""
    return pd.DataFrame({name: (scores[bad] < scores[good]).astype(float) for name, (bad, good) in SHARES.items()},
                        index=scores.index)


def pair_accuracies(scores: pd.DataFrame) -> dict:
    """The minimal-pair accuracies p1, p2, p1_bar and p2_bar.

    p1, p2: shares of the `n_scored` pairs (those the vocabulary tells apart) whose
    ungrammatical sentence is strictly less likely; p1_bar, p2_bar: the share per sub-case,
    averaged over the sub-cases; `ties_*`, `pairs_lost` and pair_counts beside them.
    Why: docs/design.md#syntax."""
    scored = scores[~scores["lost"]]
    out = dict(n_pairs=len(scores), pairs_lost=int(scores["lost"].sum()), n_scored=len(scored))
    hits = pair_hits(scored)
    subcases = hits.groupby((scored["test_set"] + "/" + scored["subcase"]).to_numpy())
    for name in SHARES:
        share = subcases[name].mean().mean() if name.endswith("_bar") else hits[name].mean()
        out[name] = float(share) if len(scored) else float("nan")
    for name, (bad, good) in SHARES.items():
        out[f"ties_{name}"] = int((scored[bad] == scored[good]).sum())
    return out | pair_counts(hits)


PAIRED = (("p1", "p2"), ("p1", "p1_bar"))  # the shares whose difference the claims decide, pair by pair


def pair_counts(hits: pd.DataFrame) -> dict:
    """The counts of pairs behind the shares' intervals.

    `hits_{share}`, the pairs each share counts, and for each pair of shares (a, b) of PAIRED the
    2x2 table over the same pairs,
    `{a}_and_{b}`, `{a}_not_{b}` and `{b}_not_{a}` (the rest hit under neither)."""
    out = {f"hits_{name}": int(hits[name].sum()) for name in ("p1", "p2", "p1_bar")}
    for a, b in PAIRED:
        ha, hb = hits[a].astype(bool), hits[b].astype(bool)
        out.update({f"{a}_and_{b}": int((ha & hb).sum()), f"{a}_not_{b}": int((ha & ~hb).sum()),
                    f"{b}_not_{a}": int((hb & ~ha).sum())})
    return out
