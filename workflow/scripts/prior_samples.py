"""B4: decode the corpus's prior draws with one cell's VAE and judge whether each sample
"makes sense": on a built-in corpus, whether its grammar derives the sentence (exact); on a
real corpus, whether its NLL per token under the reference language model is below the median
of the real test sentences'."""

import numpy as np
import pandas as pd
import torch

from textvae.corpora import Vocab
from textvae.decoding import decode_in_batches
from textvae.english import english_grammar
from textvae.evaluation import log_likelihoods
from textvae.generation import load_cell, read_prior
from textvae.scripting import run
from textvae.tables import write_parquet
from textvae.training import load_model


def nll_per_token(lm, sentences: list[list[int]], vocab: Vocab, device) -> np.ndarray:
    """-log p(x) / (tokens + 1) under a language model (</s> counts as a token)."""
    no_z = torch.zeros(len(sentences), 0, device=device)
    return -log_likelihoods(lm, sentences, no_z, vocab.bos, vocab.eos) / np.array([len(s) + 1 for s in sentences])


def main(smk):
    p = smk.params
    model, _, vocab, device = load_cell(smk.input.model, smk.input.vocab)
    z = read_prior(smk.input.prior, device)
    with torch.no_grad():
        decoded = decode_in_batches(model.decoder, z, vocab.bos, vocab.eos, p.batch_size,
                                    seed=p.seed, **p.scheme)
    sentences = [vocab.decode(s) for s in decoded]
    if p.grammar is not None:
        grammar = english_grammar(p.grammar)
        score = np.array([grammar.logprob(s) for s in sentences])
        judge, meaningful = "derivable by the corpus's grammar (log p > -inf)", np.isfinite(score)
    else:
        lm, _ = load_model(smk.input.lm, device)
        score = nll_per_token(lm, decoded, vocab, device)
        test = [vocab.encode(t.split()) for t in pd.read_parquet(smk.input.test)["text"]]
        threshold = float(np.median(nll_per_token(lm, test, vocab, device)))
        judge = f"NLL per token under the reference LM below the test median {threshold:.3f}"
        meaningful = score < threshold
    corpus, model_id = p.cell.split("/")
    lengths = np.array([len(s) for s in sentences])
    frame = pd.DataFrame({"corpus": corpus, "model": model_id, "sample": range(len(sentences)),
                          "sentence": [" ".join(s) for s in sentences], "n_tokens": lengths,
                          "group": np.where(lengths <= p.split_at, f"<={p.split_at}", f">{p.split_at}"),
                          "score": score, "meaningful": meaningful, "judge": judge})
    write_parquet(frame, smk.output[0])
    print(f"{p.cell}: {100 * frame['meaningful'].mean():.1f} % judged meaningful ({judge})")


if "snakemake" in globals():
    run(main, snakemake)  # noqa: F821
