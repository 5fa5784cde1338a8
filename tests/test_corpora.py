import json

import pandas as pd
import pytest
from conftest import shared_corpus

from textvae import corpora
from textvae.corpora import CorpusError

OPTIONS = dict(format="lines", text_field="text", lowercase=False, tokenized=True,
               split_sentences=None, encoding_errors="strict", unk_markers=["_UNK", "<unk>"], split_chars="",
               min_len=1, max_len=100, seed=1, split={"valid": 0.25, "test": 0.25})


def write(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


def test_formats(tmp_path):
    lines = write(tmp_path, "a.txt", "the cat sat .\n\nA dog _UNK !\n")
    assert corpora.read_sentences(lines, lowercase=True, unk_markers=["_UNK"]) == [
        ["the", "cat", "sat", "."], ["a", "dog", "<unk>", "!"]]
    jsonl = write(tmp_path, "a.jsonl", json.dumps({"text": "Hello, world. It's here!"}) + "\n")
    assert corpora.read_sentences(jsonl, "jsonl", tokenized=False, split_sentences=True) == [
        ["Hello", ",", "world", "."], ["It", "'s", "here", "!"]]
    cbt = write(tmp_path, "c.txt", "_BOOK_TITLE_ : x.txt\nOnce upon a time .\n")
    assert corpora.read_sentences(cbt, "cbt") == [["Once", "upon", "a", "time", "."]]
    # CBT as Prokhorov et al.'s samples show it: lower-cased, apostrophes and quote marks gone
    quoted = write(tmp_path, "q.txt", "_BOOK_TITLE_ : x.txt\n` I 'm sure we wo n't , ' said the Cat .\n' '\n")
    assert corpora.read_sentences(quoted, "cbt", lowercase=True, split_chars="'`") == [
        ["i", "m", "sure", "we", "wo", "n", "t", ",", "said", "the", "cat", "."]]
    assert corpora.prepare_sentence("We wo n't .", lowercase=True, tokenized=True, split_chars="'`") == [
        "we", "wo", "n", "t", "."]
    wiki = write(tmp_path, "w.txt", " \n = Heading = \n A well @-@ known <unk> . It ran 1 @,@ 000 km .\n")
    assert corpora.read_sentences(wiki, "wikitext") == [
        ["A", "well-known", "<unk>", "."], ["It", "ran", "1,000", "km", "."]]


@pytest.mark.parametrize("text, expected", [
    # abbreviations, a price and an abbreviation inside the sentence: one sentence, not eight
    ("Mr. Smith paid $3.50 for the U.S. edition, e.g. this one. Done!",
     [["Mr.", "Smith", "paid", "$", "3.50", "for", "the", "U.S.", "edition", ",", "e.g.", "this", "one", "."],
      ["Done", "!"]]),
    ("J. R. R. Tolkien wrote it. It sold well.",  # initials
     [["J.", "R.", "R.", "Tolkien", "wrote", "it", "."], ["It", "sold", "well", "."]]),
    ("It is 3.5 km long. Pi is 3.14.",  # decimals
     [["It", "is", "3.5", "km", "long", "."], ["Pi", "is", "3.14", "."]]),
    ('He said "Stop." Then he left.',  # a quotation ends with its sentence
     [["He", "said", '"', "Stop", ".", '"'], ["Then", "he", "left", "."]]),
    ("Wait... what? Fine.",  # an ellipsis
     [["Wait", "...", "what", "?"], ["Fine", "."]]),
    ("A well-known fact (see p. 5) holds. I can't say.",  # hyphens kept, contractions split
     [["A", "well-known", "fact", "(", "see", "p.", "5", ")", "holds", "."], ["I", "ca", "n't", "say", "."]]),
])
def test_raw_text_is_segmented_and_tokenised_by_syntok(text, expected):
    assert corpora.sentences(text, tokenized=False) == expected


def test_tokenised_text_is_cut_into_sentences_keeping_its_tokens():
    text = "The U.S. Army said so . It was 3.5 km @-@ long . Mr. Smith left"
    assert corpora.sentences(text, tokenized=True) == [
        ["The", "U.S.", "Army", "said", "so", "."], ["It", "was", "3.5", "km", "@-@", "long", "."],
        ["Mr.", "Smith", "left"]]


def test_unknown_markers_become_one_token(tmp_path):
    path = write(tmp_path, "u.txt", "a _UNK <unk> UNK\n")
    assert corpora.read_sentences(path, unk_markers=["_UNK", "<unk>"]) == [["a", "<unk>", "<unk>", "UNK"]]


@pytest.mark.parametrize("content, fmt, message", [
    (b"", "lines", "empty"),
    (b"  \n\n", "lines", "empty"),
    (b"fine line\nbad \xff byte\n", "lines", "line 2: bytes that are not UTF-8"),
    (b'{"text": "a"}\n{"text": \n', "jsonl", "line 2: not valid JSON"),
    (b'{"text": "a"}\n{"body": "b"}\n', "jsonl", "line 2: no text field 'text'"),
])
def test_bad_files_are_refused_with_file_and_line(tmp_path, content, fmt, message):
    path = write(tmp_path, "bad.txt", content)
    with pytest.raises(CorpusError, match=message) as err:
        corpora.read_sentences(path, fmt)
    assert str(path) in str(err.value)


@pytest.mark.parametrize("fmt, content", [("lines", "Hello world .\n"), ("jsonl", '{"text": "Hello world ."}\n')])
def test_a_byte_order_mark_at_the_start_of_a_file_is_dropped(tmp_path, fmt, content):
    path = write(tmp_path, "bom.txt", b"\xef\xbb\xbf" + content.encode())
    assert corpora.read_sentences(path, fmt) == [["Hello", "world", "."]]  # not "\ufeffHello"
    assert corpora.read_sentences(path, fmt, encoding_errors="replace") == [["Hello", "world", "."]]


@pytest.mark.parametrize("options, expected", [
    (dict(lowercase=True, tokenized=False), ["mr.", "smith", "ca", "n't", "pay", "$", "3.50", "."]),
    (dict(lowercase=False, tokenized=True), ["Mr.", "Smith", "can't", "pay", "$3.50."]),
    (dict(lowercase=True, tokenized=True, unk_markers=["Smith"]), ["mr.", "<unk>", "can't", "pay", "$3.50."]),
])
def test_a_new_sentence_is_prepared_as_the_corpus_reader_prepares_a_line(tmp_path, options, expected):
    line = "Mr. Smith can't pay $3.50."
    assert corpora.prepare_sentence(line, **options) == expected
    path = write(tmp_path, "one.txt", line + "\n")
    assert corpora.read_sentences(path, **options) == [expected]


def test_the_preparation_of_a_corpus_entry():
    assert corpora.preparation({"grammar": "short", "sizes": {}}) == dict(lowercase=True, tokenized=True,
                                                                         unk_markers=[], split_chars="")
    spec = dict(OPTIONS, tokenized=False, lowercase=True)
    assert corpora.preparation(spec) == dict(lowercase=True, tokenized=False, unk_markers=["_UNK", "<unk>"],
                                             split_chars="")


def test_replacing_bad_bytes_when_asked(tmp_path):
    path = write(tmp_path, "bad.txt", b"bad \xff byte\n")
    assert corpora.read_sentences(path, encoding_errors="replace") == [["bad", "\ufffd", "byte"]]


def test_missing_file_and_nothing_left_after_filtering(tmp_path):
    with pytest.raises(CorpusError, match="does not exist"):
        corpora.read_sentences(tmp_path / "nope.txt")
    path = write(tmp_path, "a.txt", "one two three\n")
    with pytest.raises(CorpusError, match="no sentence left after length filtering to 5..9"):
        corpora.text_corpus_splits(dict(OPTIONS, min_len=5, max_len=9), {"all": path})


def test_split_fractions_and_limits(tmp_path):
    path = write(tmp_path, "a.txt", "".join(f"w{i} x\n" for i in range(20)))
    splits = corpora.text_corpus_splits(OPTIONS, {"all": path})
    assert [len(splits[s]) for s in ("train", "valid", "test")] == [10, 5, 5]
    assert sorted(map(tuple, sum(splits.values(), []))) == sorted((f"w{i}", "x") for i in range(20))
    assert corpora.text_corpus_splits(OPTIONS, {"all": path}) == splits  # seeded
    limited = corpora.text_corpus_splits(dict(OPTIONS, limit={"train": 3}), {"all": path})
    assert len(limited["train"]) == 3


def test_files_of_one_corpus_are_read_one_after_the_other_then_split(tmp_path):
    """`path: [a, b]`: the split of a and b's sentences together, the same as of one file holding
    a's lines then b's."""
    first = write(tmp_path, "a.txt", "".join(f"a{i} x\n" for i in range(12)))
    second = write(tmp_path, "b.txt", "".join(f"b{i} y\n" for i in range(8)))
    both = write(tmp_path, "both.txt", first.read_text() + second.read_text())
    splits = corpora.text_corpus_splits(OPTIONS, {"all": [first, second]})
    assert splits == corpora.text_corpus_splits(OPTIONS, {"all": both})
    words = sorted(tokens[0] for split in splits.values() for tokens in split)
    assert words == sorted([f"a{i}" for i in range(12)] + [f"b{i}" for i in range(8)])


def test_vocabulary_size_order_and_encoding():
    frame = corpora.build_vocab([["b", "a", "b"], ["c", "b", "a"]], size=6, extra=["z"])
    assert list(frame["token"]) == ["<pad>", "<unk>", "<bos>", "<eos>", "b", "a", "z"]
    assert list(frame["count"][4:]) == [3, 2, 0]
    vocab = corpora.Vocab.from_frame(frame)
    assert vocab.encode(["a", "c", "<unk>"]) == [5, 1, 1]
    assert vocab.decode([4, 5]) == ["b", "a"]


REAL = [
    ("yahoo", dict(train="valid.txt", valid="test.txt", test="test.txt"), dict(lowercase=True), 40000),
    ("yelp", dict(train="valid.txt", valid="test.txt", test="test.txt"), {}, 9000),
    ("cbt", dict(all="test.txt"), dict(format="cbt", lowercase=True), 10000),
    ("webtext", dict(all="test.jsonl"), dict(format="jsonl", tokenized=False, split_sentences=True), 10000),
    ("wikitext2", dict(all="valid.txt"), dict(format="wikitext"), 5000),
]


@pytest.mark.parametrize("name, files, options, at_least", REAL, ids=[r[0] for r in REAL])
def test_loaders_on_the_real_corpora(name, files, options, at_least):
    folder = shared_corpus(name)
    spec = dict(OPTIONS, **options, max_len=50)
    splits = corpora.text_corpus_splits(spec, {k: folder / v for k, v in files.items()})
    train = splits["train"]
    assert len(train) >= at_least * (0.5 if "all" in files else 1)
    assert all(1 <= len(s) <= 50 for s in train)
    assert not any(t in ("_UNK", "@-@", "_BOOK_TITLE_") for s in train[:2000] for t in s)
    vocab = corpora.build_vocab(train, 20000)
    assert len(vocab) <= 20000
    frame = corpora.sentences_frame(train)
    assert isinstance(frame, pd.DataFrame) and frame["n_tokens"].min() >= 1
