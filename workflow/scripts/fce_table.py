"""A5 (Prokhorov et al. Table 3): per corpus, model and scheme, the forward cross entropy
(mean and standard deviation of the test NLL per sentence over the LMs of the seeds) and the
synthetic corpora's statistics (means over the seeds, and the sd of self-BLEU); `test_pct_unk`, the % of the real test
set's tokens that the scheme's vocabulary maps to <unk> (an FCE over a test set that is mostly
<unk> measures little), and `test_pct_unk_corpus`, the % outside the corpus's own vocabulary,
which no LM over the VAE's words can know (the least `test_pct_unk` can be); `entropy`, the
true H of the test set on a built-in corpus (an LM that covers every test word cannot score
below it).  The real test set as a reference row per scheme; every language model, one row
each, in the `lms` table (the claims pair them by LM seed across C)."""

import pandas as pd

from textvae import model_ids
from textvae.corpora import SPECIALS
from textvae.fce import corpus_stats, pct_unknown
from textvae.scripting import run
from textvae.tables import write_parquet, write_table

STATS = ["vocab_size", "types", "pct_unk", "mean_length", "self_bleu4"]


def main(smk):
    p = smk.params
    runs = pd.concat([pd.read_parquet(path) for path in smk.input.metrics], ignore_index=True)
    runs["C"] = [model_ids.parse(m).C for m in runs["model"]]
    table = (runs.groupby(["corpus", "model", "C", "scheme"], sort=False)
             .agg(fce=("fce", "mean"), fce_std=("fce", "std"), lms=("fce", "size"),
                  **{k: (k, "mean") for k in STATS}, self_bleu4_std=("self_bleu4", "std"))
             .reset_index())
    tests = {corpus: pd.read_parquet(path) for corpus, path in zip(p.test_corpora, smk.input.tests)}
    references = []
    for (corpus, scheme), path in zip(p.vocab_groups, smk.input.vocabs):
        words = set(pd.read_parquet(path)["token"]) - set(SPECIALS)
        stats = corpus_stats(list(tests[corpus]["text"]), words, p.self_bleu_sample, seed=1)
        references.append(dict(corpus=corpus, model="real test set", scheme=scheme,
                               vocab_size=len(words), **{k: stats[k] for k in STATS[1:]}))
    references = pd.DataFrame(references)
    unk = references.set_index(["corpus", "scheme"])["pct_unk"]
    table["test_pct_unk"] = [unk[key] for key in zip(table["corpus"], table["scheme"])]
    known = {corpus: set(pd.read_parquet(path)["token"]) - set(SPECIALS)
             for corpus, path in zip(p.test_corpora, smk.input.corpus_vocabs)}
    outside = {corpus: pct_unknown(list(tests[corpus]["text"]), known[corpus]) for corpus in tests}
    table["test_pct_unk_corpus"] = table["corpus"].map(outside)
    entropy = {c: -t["logp_true"].mean() if "logp_true" in t else float("nan") for c, t in tests.items()}
    table["entropy"] = table["corpus"].map(entropy)
    table = pd.concat([table, references], ignore_index=True)
    write_parquet(runs, smk.output.lms)
    write_table(table, smk.output.parquet, smk.output.md, p.title,
                {"Every language model": runs.drop(columns=["C"])})
    print(table.to_string())


if "snakemake" in globals():
    run(main, snakemake)  # noqa: F821
