"""A6: log p(x | z) of both sentences of every pair under z+ and z- (posterior means of the
grammatical and the ungrammatical sentence) and under their sub-case means, for one cell."""

import numpy as np
import pandas as pd
import torch

import textvae
from textvae.device import select_device
from textvae.evaluation import log_likelihoods
from textvae.generation import posterior
from textvae.scripting import cell_name, run
from textvae.syntax import pair_accuracies, score_pairs
from textvae.tables import write_parquet


def main(smk):
    p = smk.params
    vae = textvae.load(smk.input.model, vocab=smk.input.vocab, device=select_device(), log=print)
    model, settings, vocab, device = vae.model, vae.settings, vae.vocab, vae.device
    pairs = pd.read_parquet(smk.input.pairs)
    ids = {s: vocab.encode(s.split()) for s in set(pairs["good"]) | set(pairs["bad"])}

    def encode_mean(sentences):
        return posterior(model, [ids[s] for s in sentences], vocab.bos, vocab.eos, sample=False,
                         batch_size=p.batch_size, device=device).cpu().numpy()

    def log_likelihood(sentences, z):
        return log_likelihoods(model, [ids[s] for s in sentences], torch.tensor(z, device=device),
                               vocab.bos, vocab.eos, batch_size=p.batch_size)

    scores = score_pairs(pairs, encode_mean, log_likelihood)
    scores["has_unk"] = [vocab.unk in ids[g] or vocab.unk in ids[b]
                         for g, b in zip(scores["good"], scores["bad"])]
    scores["lost"] = [ids[g] == ids[b] for g, b in zip(scores["good"], scores["bad"])]
    corpus, model_id = smk.wildcards.corpus, smk.wildcards.model
    scores.insert(0, "corpus", corpus)
    scores.insert(1, "model", model_id)
    scores.insert(2, "C", settings.C)
    write_parquet(scores, smk.output[0])
    print(cell_name(smk), pair_accuracies(scores), f"{int(np.sum(scores['has_unk']))} pairs with <unk>, "
          f"{int(np.sum(scores['lost']))} of them lost to the vocabulary")


if "snakemake" in globals():
    run(main, snakemake)  # noqa: F821
