"""A2: posterior statistics and reconstruction quality by source-length bucket, per cell; and
their bootstrap replicates over the test sentences (all lengths): the evaluation's for the
posterior statistics, BLEU and ROUGE recomputed here on the same resamples in every cell."""

import numpy as np
import pandas as pd

from textvae.bootstrap import resamples
from textvae.scores import bleu_from_statistics, bleu_statistics, bucket_scores, rouge_f1
from textvae.scripting import run
from textvae.tables import write_parquet, write_table

STATS = ["z", "distortion", "rate", "logdetcov", "mu_norm2", "active_units", "mi", "rate_minus_mi"]


def score_replicates(references: list[str], hypotheses: list[str], replicates: int, seed: int) -> pd.DataFrame:
    """BLEU-2/4 (corpus) and ROUGE-2/4 (mean F1) x 100 on each resample of the sentences."""
    rows = resamples(len(references), replicates, seed)
    out = {"replicate": np.arange(replicates)}
    for n in (2, 4):
        stats = bleu_statistics(hypotheses, references, n)
        out[f"bleu{n}"] = [bleu_from_statistics(stats[r].sum(0), n) for r in rows]
        out[f"rouge{n}"] = rouge_f1(hypotheses, references, n)[rows].mean(axis=1)
    return pd.DataFrame(out)


def main(smk):
    rows, noise = [], []
    for (corpus, model), summary, recon, boot in zip(smk.params.cells, smk.input.summaries,
                                                     smk.input.reconstructions, smk.input.bootstrap):
        stats = pd.read_parquet(summary).iloc[0]
        frame = pd.read_parquet(recon)
        references, hypotheses = list(frame["reference"]), list(frame["reconstruction"])
        for scores in bucket_scores(references, hypotheses):
            rows.append(dict(corpus=corpus, model=model, C=stats["C"],
                             **{k: stats[k] for k in STATS}, **scores))
        scores = score_replicates(references, hypotheses, smk.params.replicates, smk.params.seed)
        noise.append(pd.read_parquet(boot).merge(scores, on="replicate"))
    table = pd.DataFrame(rows).sort_values(["corpus", "C"], kind="stable")
    write_parquet(pd.concat(noise, ignore_index=True), smk.output.bootstrap)
    write_table(table, smk.output.parquet, smk.output.md, smk.params.title)
    print(table.to_string())


if "snakemake" in globals():
    run(main, snakemake)  # noqa: F821
