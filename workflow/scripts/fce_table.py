"""A5 (Prokhorov et al. Table 3): per corpus, model and scheme, the forward cross entropy
(mean and standard deviation of the test NLL per sentence over the LMs of the seeds) and the
synthetic corpora's statistics (means over the seeds); the real test set as a reference row."""

import pandas as pd

from textvae.config import parse_model_id
from textvae.corpora import SPECIALS
from textvae.fce import corpus_stats
from textvae.scripting import run
from textvae.tables import write_table

STATS = ["vocab_size", "types", "pct_unk", "mean_length", "self_bleu4"]


def main(smk):
    p = smk.params
    runs = pd.concat([pd.read_parquet(path) for path in smk.input.metrics], ignore_index=True)
    runs["C"] = [parse_model_id(m)["C"] for m in runs["model"]]
    table = (runs.groupby(["corpus", "model", "C", "scheme"], sort=False)
             .agg(fce=("fce", "mean"), fce_std=("fce", "std"), lms=("fce", "size"),
                  **{k: (k, "mean") for k in STATS})
             .reset_index())
    tests = dict(zip(p.test_corpora, smk.input.tests))
    references = []
    for (corpus, group), path in zip(p.vocab_groups, smk.input.vocabs):
        words = set(pd.read_parquet(path)["token"]) - set(SPECIALS)
        text = list(pd.read_parquet(tests[corpus])["text"])
        stats = corpus_stats(text, words, p.self_bleu_sample, seed=1)
        references.append(dict(corpus=corpus, model="real test set", scheme=group,
                               vocab_size=len(words), **{k: stats[k] for k in STATS[1:]}))
    table = pd.concat([table, pd.DataFrame(references)], ignore_index=True)
    write_table(table, smk.output.parquet, smk.output.md, p.title,
                {"Every language model": runs.drop(columns=["C"])})
    print(table.to_string())


if "snakemake" in globals():
    run(main, snakemake)  # noqa: F821
