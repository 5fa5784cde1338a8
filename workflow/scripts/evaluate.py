"""Evaluate one cell on its corpus's test split: one row of statistics, and the statistics on
each bootstrap resample of the test sentences (the noise the claims decide beyond)."""

import sys

import pandas as pd

import textvae
from textvae.device import select_device
from textvae.evaluation import evaluate
from textvae.scripting import cell_name, run
from textvae.tables import write_parquet


def main(smk):
    evaluation = smk.params.evaluation
    test = pd.read_parquet(smk.input.test)
    vae = textvae.load(smk.input.model, vocab=smk.input.vocab, device=select_device(), log=print)
    model, settings, vocab, device = vae.model, vae.settings, vae.vocab, vae.device
    stats = evaluate(model, [vocab.encode(t.split()) for t in test["text"]], vocab.bos, vocab.eos,
                     iw_samples=evaluation["iw_samples"], iw_sentences=evaluation["iw_sentences"],
                     repeats=evaluation["logdetcov_repeats"],
                     au_threshold=evaluation["au_threshold"], seed=evaluation["seed"],
                     batch_size=evaluation["batch_size"], mi_posteriors=evaluation["mi_posteriors"],
                     replicates=smk.params.replicates, device=device,
                     logp_true=test["logp_true"].to_numpy() if "logp_true" in test else None)
    replicates = stats.pop("bootstrap")
    corpus, model_id = smk.wildcards.corpus, smk.wildcards.model
    named = {k: getattr(settings, k) for k in ("arch", "objective", "C", "m", "beta", "z")}
    row = dict(corpus=corpus, model=model_id, **named, anneal=settings.anneal or "", **stats)
    if "bound_ok" in stats and not stats["bound_ok"]:
        message = (f"BUG: {cell_name(smk)}: D + R = {stats['distortion'] + stats['rate']:.3f} is below "
                   f"the true entropy H = {stats['entropy']:.3f}; the ELBO cannot exceed log p(x)")
        print(message)  # the job's log
        print(message, file=sys.__stderr__)  # and the terminal
    write_parquet(pd.DataFrame([row]), smk.output.summary)
    replicates.insert(0, "replicate", range(len(replicates)))
    write_parquet(replicates.assign(corpus=corpus, model=model_id, C=settings.C), smk.output.bootstrap)
    print({k: round(v, 3) if isinstance(v, float) else v for k, v in row.items()})


if "snakemake" in globals():
    run(main, snakemake)  # noqa: F821
