"""A5: train an LSTM language model on one synthetic corpus (words outside the shared
vocabulary as <unk>), then its NLL per sentence on the real test set (mapped the same way):
the forward cross entropy; with the synthetic corpus's statistics."""

import numpy as np
import pandas as pd
import torch

import textvae
from textvae.corpora import SPECIALS, Vocab
from textvae.device import select_device
from textvae.evaluation import log_likelihoods
from textvae.fce import corpus_stats
from textvae.scripting import naming_memory_errors, run
from textvae.settings import Settings
from textvae.tables import write_parquet
from textvae.training import train_cell


def main(smk):
    p = smk.params
    settings = Settings(**p.settings)
    vocab = Vocab.from_frame(pd.read_parquet(smk.input.vocab))
    synthetic = list(pd.read_parquet(smk.input.synthetic)["text"])
    device = select_device()
    w = smk.wildcards
    lm_name = f"{w.corpus}/{w.model}/{w.scheme}/seed{w.seed}"
    with naming_memory_errors(lm_name):
        train_cell(settings, [vocab.encode(s.split()) for s in synthetic], len(vocab), vocab.bos,
                   vocab.eos, out_dir=smk.output.model.rsplit("/", 1)[0], cell=lm_name, device=device,
                   keep_checkpoint=smk.config.get("keep_checkpoints", False))
    lm = textvae.load(smk.output.model, vocab=smk.input.vocab, device=device, log=print).model
    test = [vocab.encode(t.split()) for t in pd.read_parquet(smk.input.test)["text"]]
    nll = -log_likelihoods(lm, test, torch.zeros(len(test), 0, device=device), vocab.bos,
                           vocab.eos, batch_size=p.batch_size)
    row = dict(corpus=w.corpus, model=w.model, scheme=w.scheme, seed=int(w.seed),
               vocab_size=len(vocab) - len(SPECIALS), fce=float(nll.mean()),
               perplexity=float(np.exp(nll.sum() / sum(len(s) + 1 for s in test))),
               **corpus_stats(synthetic, set(vocab.itos[len(SPECIALS):]), p.self_bleu_sample, settings.seed))
    write_parquet(pd.DataFrame([row]), smk.output.metrics)
    print(row)


if "snakemake" in globals():
    run(main, snakemake)  # noqa: F821
