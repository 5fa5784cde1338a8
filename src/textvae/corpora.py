"""Corpora: reading, tokenising, filtering, splitting and sampling sentences, and the vocabulary.

Formats (a corpus's `format:`): `lines`, `jsonl` (`text_field`), `cbt`, `wikitext`; raw text
is split into sentences (`split_sentences`) and tokenised (`tokenized: false`) by syntok.
Built-in grammar corpora are sampled.  Why: docs/design.md#corpora.
"""

from __future__ import annotations

import bisect
import json
import random
import re
from collections import Counter
from pathlib import Path

import pandas as pd
from syntok import segmenter
from syntok.tokenizer import Tokenizer

PAD, UNK, BOS, EOS = "<pad>", "<unk>", "<bos>", "<eos>"
SPECIALS = (PAD, UNK, BOS, EOS)
FORMATS = ("lines", "jsonl", "cbt", "wikitext")

_WORD = re.compile(r"\w")
_WIKI_JOINERS = {" @-@ ": "-", " @,@ ": ",", " @.@ ": "."}
_WIKI_HEADING = re.compile(r"^\s*=.*=\s*$")


class CorpusError(ValueError):
    """A corpus file that cannot be used; the message names the file and, where known, the line."""


def _words(tokens) -> list[str]:
    """The strings of syntok tokens, with hyphenated words and abbreviations rejoined.

    Joins a hyphen or underscore inside a word ('well-known') and an abbreviation's dot that
    touches the word before it and is followed by a word ('Mr.', 'U.S.').
    Why: docs/design.md#corpora."""
    words = []
    for i, tok in enumerate(tokens):
        if words and tok.spacing in ("-", "_"):
            words[-1] += tok.spacing + tok.value
        elif (tok.value == "." and not tok.spacing and words and _WORD.match(words[-1])
              and i + 1 < len(tokens) and _WORD.match(tokens[i + 1].value)):
            words[-1] += "."
        else:
            words.append(tok.value)
    return words


def tokenize(text: str) -> list[str]:
    """The words and punctuation marks of raw text, by syntok's tokeniser.

    Contractions are split as in the Penn Treebank: "can't" -> "ca", "n't"."""
    return _words(list(Tokenizer(replace_not_contraction=False).tokenize(text)))


def sentences(text: str, tokenized: bool) -> list[list[str]]:
    """The tokenised sentences of a document, cut by syntok's segmenter.

    Raw text (`tokenized` false) is
    tokenised by syntok too; tokenised text keeps its own space-separated tokens, each given to
    the sentence in which it starts."""
    found = [sentence for paragraph in segmenter.analyze(text) for sentence in paragraph]
    if not tokenized:
        return [words for words in map(_words, found) if words]
    starts = [sentence[0].offset for sentence in found]
    out = [[] for _ in found]
    for match in re.finditer(r"\S+", text):
        out[max(bisect.bisect_right(starts, match.start()) - 1, 0)].append(match.group())
    return [s for s in out if s]


def _read_lines(path: Path, encoding_errors: str) -> list[str]:
    if not path.exists():
        raise CorpusError(f"{path}: corpus file does not exist")
    raw = path.read_bytes()
    # utf-8-sig: a byte-order mark at the start of the file is dropped, not read as a character
    if encoding_errors == "strict":
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            line = raw[: err.start].count(b"\n") + 1
            raise CorpusError(
                f"{path}, line {line}: bytes that are not UTF-8 ({err.reason}); "
                "set encoding_errors: replace to replace them"
            ) from None
    else:
        text = raw.decode("utf-8-sig", errors="replace")
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        raise CorpusError(f"{path}: the file is empty")
    return lines


def _json_texts(path: Path, lines: list[str], field: str) -> list[str]:
    texts = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise CorpusError(f"{path}, line {number}: not valid JSON ({err.msg})") from None
        if not isinstance(record, dict) or not isinstance(record.get(field), str):
            raise CorpusError(f"{path}, line {number}: no text field {field!r} in the JSON object")
        texts.append(record[field])
    return texts


def read_sentences(path: str | Path, fmt: str = "lines", *, text_field: str = "text",
                   lowercase: bool = False, tokenized: bool = True,
                   split_sentences: bool | None = None, unk_markers: list[str] = (),
                   encoding_errors: str = "strict", split_chars: str = "") -> list[list[str]]:
    """One corpus file read into a list of token lists.

    Before length filtering; the corpus's
    own unknown-word markers (`_UNK`, `<unk>`, ...) become `<unk>`, whatever their case."""
    path = Path(path)
    if fmt not in FORMATS:
        raise CorpusError(f"{path}: unknown format {fmt!r}; expected one of {FORMATS}")
    lines = _read_lines(path, encoding_errors)
    if split_sentences is None:
        split_sentences = fmt == "wikitext"
    if fmt == "jsonl":
        texts = _json_texts(path, lines, text_field)
    elif fmt == "cbt":
        texts = [line for line in lines if not line.startswith("_BOOK_TITLE_")]
    elif fmt == "wikitext":
        texts = [line for line in lines if not _WIKI_HEADING.match(line)]
        for marker, joined in _WIKI_JOINERS.items():
            texts = [t.replace(marker, joined) for t in texts]
    else:
        texts = lines
    markers = set(unk_markers)
    out = []
    for text in texts:
        cut = sentences(text, tokenized) if split_sentences else [words(text, tokenized)]
        out += [normalise(tokens, lowercase, markers, split_chars) for tokens in cut if tokens]
    return [tokens for tokens in out if tokens]


def words(sentence: str, tokenized: bool) -> list[str]:
    """The tokens of one sentence.

    Split on whitespace when the text is `tokenized`, else by
    syntok (tokenize)."""
    return sentence.split() if tokenized else tokenize(sentence)


def normalise(tokens: list[str], lowercase: bool, unk_markers, split_chars: str = "") -> list[str]:
    """The tokens with unknown-word markers as <unk>, optionally lower-cased and split.

    The markers are the corpus's; with `lowercase`, the others are lower-cased; a token is cut at
    each character of `split_chars`, which goes, and empty pieces are dropped ("n't" -> "n", "t";
    a quote mark -> nothing: Prokhorov et al.'s CBT samples, split_chars "'`")."""
    table = str.maketrans(split_chars, " " * len(split_chars))
    return [piece for t in tokens
            for piece in ([UNK] if t in unk_markers else (t.lower() if lowercase else t).translate(table).split())]


def prepare_sentence(sentence: str, *, lowercase: bool, tokenized: bool, unk_markers=(),
                     split_chars: str = "") -> list[str]:
    """One sentence of new text prepared as a corpus's sentences are prepared.

    As read_sentences prepares them with these settings (without cutting it into sentences):
    tokens, markers as <unk>, lower-cased, split at split_chars."""

    return normalise(words(sentence, tokenized), lowercase, set(unk_markers), split_chars)


def preparation(spec: dict) -> dict:
    """How a corpus's sentences were prepared, as prepare_sentence's keywords.

    A real corpus's
    `lowercase`, `tokenized`, `unk_markers` and `split_chars` (its config entry, the schema's
    defaults filled in); a built-in corpus's text is lower-case words separated by spaces."""
    if "grammar" in spec:
        return dict(lowercase=True, tokenized=True, unk_markers=[], split_chars="")
    return dict(lowercase=spec["lowercase"], tokenized=spec["tokenized"], unk_markers=list(spec["unk_markers"]),
                split_chars=spec["split_chars"])


def filter_length(sentences: list[list[str]], min_len: int, max_len: int,
                  source: str) -> list[list[str]]:
    """Keep sentences with min_len <= tokens <= max_len; refuse a corpus left empty."""
    kept = [s for s in sentences if min_len <= len(s) <= max_len]
    if not kept:
        raise CorpusError(
            f"{source}: no sentence left after length filtering to {min_len}..{max_len} tokens "
            f"({len(sentences)} sentences before)"
        )
    return kept


def split_by_fractions(sentences: list[list[str]], valid: float, test: float,
                       seed: int) -> dict[str, list[list[str]]]:
    """Shuffle with `seed`, then cut into train / valid / test by the given fractions."""
    order = list(range(len(sentences)))
    random.Random(seed).shuffle(order)
    n_valid, n_test = round(valid * len(order)), round(test * len(order))
    pick = lambda idx: [sentences[i] for i in idx]  # noqa: E731
    return {"valid": pick(order[:n_valid]), "test": pick(order[n_valid:n_valid + n_test]),
            "train": pick(order[n_valid + n_test:])}


def sentences_frame(sentences: list[list[str]]) -> pd.DataFrame:
    """The Parquet layout of a split: `text` (tokens joined by spaces) and `n_tokens`."""
    return pd.DataFrame({"text": [" ".join(s) for s in sentences],
                         "n_tokens": [len(s) for s in sentences]})


class Vocab:
    """Token <-> id maps; ids 0-3 are <pad>, <unk>, <bos>, <eos>."""

    def __init__(self, tokens: list[str]):
        self.itos = list(SPECIALS) + [t for t in tokens if t not in SPECIALS]
        self.stoi = {t: i for i, t in enumerate(self.itos)}
        self.pad, self.unk, self.bos, self.eos = (self.stoi[t] for t in SPECIALS)

    def __len__(self) -> int:
        return len(self.itos)

    def encode(self, tokens: list[str]) -> list[int]:
        return [self.stoi.get(t, self.unk) for t in tokens]

    def as_seen(self, tokens: list[str]) -> list[str]:
        """The tokens as a model with this vocabulary sees them: unknown words as <unk>."""
        return [t if t in self.stoi else UNK for t in tokens]

    def decode(self, ids) -> list[str]:
        return [self.itos[i] for i in ids]

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> Vocab:
        return cls(list(frame.sort_values("id")["token"]))


def build_vocab(sentences: list[list[str]], size: int | None = None,
                extra: list[str] = ()) -> pd.DataFrame:
    """The vocabulary frame of the most frequent tokens.

    The `size` most frequent tokens (specials included in the count; ties broken
    alphabetically), then the `extra` tokens never seen, as a frame with columns token, id,
    count."""
    counts = Counter(tok for s in sentences for tok in s)
    ranked = sorted((t for t in counts if t not in SPECIALS), key=lambda t: (-counts[t], t))
    if size is not None:
        ranked = ranked[: max(size - len(SPECIALS), 0)]
    ranked += sorted(set(extra) - set(ranked) - set(SPECIALS))
    tokens = list(SPECIALS) + ranked
    return pd.DataFrame({"token": tokens, "id": range(len(tokens)),
                         "count": [counts.get(t, 0) for t in tokens]})


def text_corpus_splits(spec: dict, files: dict[str, str]) -> dict[str, list[list[str]]]:
    """A real corpus's train, valid and test splits, read as its config entry `spec` says.

    `files` maps train/valid/test to
    their files, or `all` to a list of files, read one after the other and cut by the fractions
    of spec["split"]."""
    read = dict(fmt=spec["format"], text_field=spec["text_field"], lowercase=spec["lowercase"],
                tokenized=spec["tokenized"], split_sentences=spec["split_sentences"],
                unk_markers=spec["unk_markers"], encoding_errors=spec["encoding_errors"],
                split_chars=spec["split_chars"])

    def load(path):
        return filter_length(read_sentences(path, **read), spec["min_len"], spec["max_len"], str(path))

    if "all" in files:
        fractions = spec["split"]
        paths = [files["all"]] if isinstance(files["all"], (str, Path)) else files["all"]
        splits = split_by_fractions([s for path in paths for s in load(path)], fractions.get("valid", 0.1),
                                    fractions.get("test", 0.1), spec["seed"])
    else:
        splits = {split: load(files[split]) for split in ("train", "valid", "test")}
    for split, cap in spec.get("limit", {}).items():
        splits[split] = splits[split][:cap]
    for split, sentences in splits.items():
        if not sentences:
            raise CorpusError(f"{files.get(split, files.get('all'))}: the {split} split is empty")
    return splits


def grammar_splits(grammar, sizes: dict[str, int], seed: int) -> dict[str, pd.DataFrame]:
    """Each split sampled from the grammar, with each sentence's exact log p(x).

    The sampling is seeded per split; log p(x) is in column `logp_true`."""

    out = {}
    for offset, split in enumerate(("train", "valid", "test")):
        rng = random.Random(seed * 1000 + offset)
        sentences = [grammar.sample(rng) for _ in range(sizes[split])]
        frame = sentences_frame(sentences)
        if split != "train":  # the true probabilities are needed for evaluation only
            frame["logp_true"] = [grammar.logprob(s) for s in sentences]
        out[split] = frame
    return out
