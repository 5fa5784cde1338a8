"""The built-in English-like grammar: its lexicon, its rules, and two length profiles.

It covers Marvin & Linzen's (2018) constructions: agreement, reflexive anaphora and "ever"
licensed by "no"; each noun and verb has both numbers (`LEXICON`).  The profiles share rules
and language, differing only in how often lengthening constructions are chosen.
Why: docs/design.md#english.
"""

from __future__ import annotations

from .grammar import PCFG

NUMBERS = ("sg", "pl")

_NOUNS_ANIMATE = """author authors|pilot pilots|surgeon surgeons|farmer farmers|manager managers|
customer customers|officer officers|teacher teachers|senator senators|dancer dancers|
skater skaters|doctor doctors|student students|lawyer lawyers|guard guards|painter painters|
driver drivers|singer singers|baker bakers|nurse nurses|child children|woman women|man men|
writer writers|chef chefs|waiter waiters|soldier soldiers|minister ministers|player players|
banker bankers|mechanic mechanics|architect architects|poet poets|
clerk clerks|judge judges|sailor sailors|tailor tailors|hunter hunters|boxer boxers"""
_NOUNS_INANIMATE = """movie movies|book books|game games|song songs|play plays|picture pictures|
show shows|car cars|house houses|letter letters|story stories|machine machines|table tables|
window windows|garden gardens|painting paintings|poem poems|report reports|meal meals|
phone phones|film films|novel novels|lamp lamps|ship ships|bridge bridges|road roads|
clock clocks|chair chairs|river rivers|tower towers"""
# singular, plural, past participle
_VERBS_INTRANSITIVE = """laughs laugh laughed|smiles smile smiled|swims swim swum|sleeps sleep slept|
runs run run|waits wait waited|sings sing sung|dances dance danced|works work worked|
travels travel travelled|cries cry cried|arrives arrive arrived|leaves leave left|
talks talk talked|writes write written|reads read read|jumps jump jumped|wins win won"""
_VERBS_TRANSITIVE = """likes like liked|admires admire admired|hates hate hated|loves love loved|
knows know known|meets meet met|sees see seen|helps help helped|visits visit visited|
trusts trust trusted|blames blame blamed|thanks thank thanked|hurts hurt hurt|
follows follow followed|calls call called|praises praise praised|greets greet greeted|
watches watch watched|attacks attack attacked|amuses amuse amused"""
_VERBS_INANIMATE_SUBJECT = """pleases please|bores bore|surprises surprise|interests interest|
confuses confuse|impresses impress|worries worry|annoys annoy"""
_VERBS_SENTENTIAL = """thinks think|says say|believes believe|hopes hope|claims claim|
knows know|feels feel|suspects suspect"""
_ADJECTIVES = """good old young famous happy tall small new quiet big strange popular old-fashioned
brave clever kind angry busy lucky rich poor proud calm bright dark long short simple modern
funny""".split()
_PREPOSITIONS = "near behind with from beside above below".split()


def _pairs(spec: str) -> list[tuple[str, ...]]:
    return [tuple(item.split()) for item in spec.replace("\n", "").split("|")]


LEXICON = {
    "noun_animate": _pairs(_NOUNS_ANIMATE),  # (sg, pl)
    "noun_inanimate": _pairs(_NOUNS_INANIMATE),
    "verb_intransitive": _pairs(_VERBS_INTRANSITIVE),  # (sg, pl, past participle)
    "verb_transitive": _pairs(_VERBS_TRANSITIVE),
    "verb_inanimate_subject": _pairs(_VERBS_INANIMATE_SUBJECT),  # (sg, pl)
    "verb_sentential": _pairs(_VERBS_SENTENTIAL),
    "adjective": _ADJECTIVES,
    "preposition": _PREPOSITIONS,
    "determiner": {"sg": ["the", "a", "this", "every"], "pl": ["the", "these", "some", "many"]},
    "copula": {"sg": "is", "pl": "are"},
    "perfect": {"sg": "has", "pl": "have"},
    "reflexive": {"sg": ["himself", "herself"], "pl": ["themselves"]},
}

# How often each optional construction is chosen (relative weights against the plain form).
PROFILES = {
    "short": dict(adjective=0.4, pp=0.3, subj_rel=0.12, obj_rel=0.12, coord=0.15,
                  sent_comp=0.12, reflexive=0.1, npi=0.05, transitive=1.0, adverbial=0.3),
    "long": dict(adjective=0.7, pp=0.9, subj_rel=0.6, obj_rel=0.6, coord=0.9,
                 sent_comp=1.0, reflexive=0.15, npi=0.1, transitive=1.5, adverbial=0.8),
}


def _zipf(words: list[str], exponent: float = 0.8) -> list[tuple[tuple[str], float]]:
    """Word weights proportional to 1 / rank^exponent, so that some words are frequent."""
    return [((w,), 1.0 / (rank + 1) ** exponent) for rank, w in enumerate(words)]


def english_grammar(profile: str = "short") -> PCFG:
    """The built-in grammar with the weights of `profile` ("short" or "long")."""
    if profile not in PROFILES:
        raise ValueError(f"unknown grammar profile {profile!r}; expected one of {sorted(PROFILES)}")
    w = PROFILES[profile]
    lex = LEXICON
    r: dict = {}
    r["Adj"] = _zipf(lex["adjective"])
    r["P"] = _zipf(lex["preposition"])
    for i, num in enumerate(NUMBERS):
        r[f"Det_{num}"] = _zipf(lex["determiner"][num], 1.0)
        r[f"N_{num}_an"] = _zipf([n[i] for n in lex["noun_animate"]])
        r[f"N_{num}_in"] = _zipf([n[i] for n in lex["noun_inanimate"]])
        r[f"VI_{num}"] = _zipf([v[i] for v in lex["verb_intransitive"]])
        r[f"VT_{num}"] = _zipf([v[i] for v in lex["verb_transitive"]])
        r[f"VTin_{num}"] = _zipf([v[i] for v in lex["verb_inanimate_subject"]])
        r[f"VS_{num}"] = _zipf([v[i] for v in lex["verb_sentential"]])
        r[f"Refl_{num}"] = _zipf(lex["reflexive"][num])
    r["VPP"] = [(("been", "Adj"), 1.0), (("VPart",), 1.0)]
    r["VPart"] = _zipf([v[2] for v in lex["verb_intransitive"]])
    for num in NUMBERS:
        cop = lex["copula"][num]
        for an in ("an", "in"):
            # simple noun phrase, no modifier that could hold another clause
            r[f"NPs_{num}_{an}"] = [((f"Det_{num}", f"N_{num}_{an}"), 1.0),
                                    ((f"Det_{num}", "Adj", f"N_{num}_{an}"), w["adjective"])]
            # full noun phrase: a prepositional phrase or a relative clause may follow
            r[f"NP_{num}_{an}"] = [((f"NPs_{num}_{an}",), 1.0),
                                   ((f"NPs_{num}_{an}", "PP"), w["pp"]),
                                   ((f"NPs_{num}_{an}", "ORC"), w["obj_rel"])]
            if an == "an":
                r[f"NP_{num}_{an}"].append(((f"NPs_{num}_{an}", "that", f"VPs_{num}_an"), w["subj_rel"]))
        # simple verb phrases
        r[f"VPs_{num}_an"] = [((f"VI_{num}",), 1.0), ((cop, "Adj"), 0.5),
                              ((f"VT_{num}", "NPs_any"), w["transitive"]),
                              ((f"VT_{num}", f"Refl_{num}"), w["reflexive"]),
                              ((f"VI_{num}", "PP"), w["adverbial"]),
                              ((f"VT_{num}", "NPs_any", "PP"), w["adverbial"])]
        r[f"VPs_{num}_in"] = [((cop, "Adj"), 1.0), ((f"VTin_{num}", "NPs_any_an"), w["transitive"])]
        # matrix verb phrases: coordination (short: VI and VI; long: VT NP and VT NP),
        # sentential complements with and without "that"
        r[f"VP_{num}_an"] = [((f"VPs_{num}_an",), 1.0),
                             ((f"VPs_{num}_an", "and", f"VPs_{num}_an"), w["coord"]),
                             ((f"VS_{num}", "that", "Sc"), w["sent_comp"] / 2),
                             ((f"VS_{num}", "Sc"), w["sent_comp"] / 2)]
        r[f"VP_{num}_in"] = [((f"VPs_{num}_in",), 1.0),
                             ((f"VPs_{num}_in", "and", f"VPs_{num}_in"), w["coord"])]
        # NPI: "no" subject (possibly with a relative clause) licenses "ever"
        r[f"NPno_{num}"] = [(("no", f"N_{num}_an"), 1.0), (("no", "Adj", f"N_{num}_an"), w["adjective"]),
                            (("no", f"N_{num}_an", "ORC"), w["obj_rel"]),
                            (("no", f"N_{num}_an", "that", f"VPs_{num}_an"), w["subj_rel"])]
    r["NPs_any"] = [((f"NPs_{num}_{an}",), 1.0) for num in NUMBERS for an in ("an", "in")]
    r["NPs_any_an"] = [((f"NPs_{num}_an",), 1.0) for num in NUMBERS]
    r["PP"] = [(("P", "NPs_any"), 1.0)]
    # object relative clause: the head is the object of the clause's own verb
    r["ORC"] = [(("that", f"NPs_{num}_an", f"VT_{num}"), 1.0) for num in NUMBERS] + \
               [((f"NPs_{num}_an", f"VT_{num}"), 1.0) for num in NUMBERS]
    clause = [((f"NP_{num}_{an}", f"VPs_{num}_{an}"), 1.0) for num in NUMBERS for an in ("an", "in")]
    r["Sc"] = clause  # embedded clause: simple verb phrase, no further embedding
    r["S"] = [((f"NP_{num}_{an}", f"VP_{num}_{an}"), 1.0) for num in NUMBERS for an in ("an", "in")] + \
             [((f"NPno_{num}", lex["perfect"][num], "ever", "VPP"), w["npi"]) for num in NUMBERS]
    return PCFG(r, start="S")
