"""The FCE experiment's vocabulary and corpus statistics, by hand."""

import pytest

from textvae.corpora import Vocab
from textvae.fce import common_vocabulary, corpus_stats


def test_common_vocabulary_and_the_unknown_mapping():
    corpora = [["the cat sat", "a dog ran"], ["the dog sat"], ["the dog sat down", "cat"]]
    words = common_vocabulary(corpora)
    assert words == ["dog", "sat", "the"]
    vocab = Vocab(words)
    # every synthetic corpus and the real test set map the other words to <unk>
    assert vocab.decode(vocab.encode("the cat sat down".split())) == ["the", "<unk>", "sat", "<unk>"]


def test_corpus_stats_by_hand():
    stats = corpus_stats(["the cat sat", "the cat sat", "a dog"], {"the", "cat", "sat"},
                         self_bleu_sample=10, seed=1)
    assert (stats["sentences"], stats["types"]) == (3, 5)
    assert stats["pct_unk"] == pytest.approx(100 * 2 / 8) and stats["mean_length"] == pytest.approx(8 / 3)
    # sentence 0 and 1 find themselves among the references (BLEU 100), "a dog" nothing but a
    # unigram-free match: (100 + 100 + 0) / 3
    assert stats["self_bleu4"] == pytest.approx(200 / 3)


def test_one_vocabulary_per_scheme_and_the_test_sets_unknown_share(tmp_path):
    """Two values of C, two schemes: each scheme's vocabulary is the words common to its own
    corpora (over C and seeds), so greedy's few words do not shrink nucleus's; the table gives
    the real test set's % unk under each, and outside the corpus's own vocabulary."""
    import pandas as pd
    from conftest import job, load_script

    synthetic = {("C3", "greedy"): ["the cat", "the cat"], ("C10", "greedy"): ["the dog", "the cat"],
                 ("C3", "nucleus"): ["the cat sat", "a dog ran"], ("C10", "nucleus"): ["the cat sat", "the dog ran"]}
    paths = {}
    for (model, scheme), text in synthetic.items():
        paths[model, scheme] = tmp_path / f"{model}_{scheme}.parquet"
        pd.DataFrame({"text": text}).to_parquet(paths[model, scheme])
    for scheme in ("greedy", "nucleus"):
        load_script("fce_vocab").main(job(input=[str(paths[m, scheme]) for m in ("C3", "C10")],
                                          output=[str(tmp_path / f"vocab_{scheme}.parquet")]))
    specials = {"<pad>", "<unk>", "<bos>", "<eos>"}
    words = {s: sorted(set(pd.read_parquet(tmp_path / f"vocab_{s}.parquet")["token"]) - specials)
             for s in ("greedy", "nucleus")}
    assert words == {"greedy": ["cat", "the"], "nucleus": ["cat", "dog", "ran", "sat", "the"]}

    pd.DataFrame({"text": ["the dog sat", "a cat ran"]}).to_parquet(tmp_path / "test.parquet")
    pd.DataFrame({"token": ["<pad>", "<unk>", "<bos>", "<eos>", "the", "dog", "sat", "cat", "ran"],
                  "id": range(9), "count": 1}).to_parquet(tmp_path / "corpus_vocab.parquet")
    metrics = []
    for model in ("lstm-betac-C3", "lstm-betac-C10"):
        for scheme in ("greedy", "nucleus"):
            metrics.append(tmp_path / f"{model}_{scheme}_metrics.parquet")
            pd.DataFrame([dict(corpus="c", model=model, scheme=scheme, seed=1, vocab_size=len(words[scheme]),
                               fce=10.0, perplexity=5.0, sentences=2, types=3, pct_unk=0.0, mean_length=2.0,
                               self_bleu4=0.0)]).to_parquet(metrics[-1])
    out = dict(parquet=str(tmp_path / "fce.parquet"), md=str(tmp_path / "fce.md"),
               lms=str(tmp_path / "fce_lms.parquet"))
    load_script("fce_table").main(job(
        input=dict(metrics=[str(m) for m in metrics],
                   vocabs=[str(tmp_path / f"vocab_{s}.parquet") for s in ("greedy", "nucleus")],
                   tests=[str(tmp_path / "test.parquet")], corpus_vocabs=[str(tmp_path / "corpus_vocab.parquet")]),
        output=out, params=dict(vocab_groups=[("c", "greedy"), ("c", "nucleus")], test_corpora=["c"],
                                self_bleu_sample=2, title="A5")))
    table = pd.read_parquet(out["parquet"])
    runs = table[table["model"] != "real test set"].set_index(["model", "scheme"])
    # test tokens: the dog sat a cat ran; greedy knows the, cat (4 of 6 unknown), nucleus all but "a"
    assert runs.loc[("lstm-betac-C3", "greedy"), "test_pct_unk"] == pytest.approx(100 * 4 / 6)
    assert runs.loc[("lstm-betac-C10", "nucleus"), "test_pct_unk"] == pytest.approx(100 * 1 / 6)
    assert list(runs["test_pct_unk_corpus"]) == pytest.approx([100 * 1 / 6] * 4) and runs["entropy"].isna().all()
    assert sorted(table[table["model"] == "real test set"]["scheme"]) == ["greedy", "nucleus"]
    lms = pd.read_parquet(out["lms"])  # one row per LM, with C, for the paired test over LM seeds
    assert len(lms) == 4 and sorted(lms["C"]) == [3, 3, 10, 10]
