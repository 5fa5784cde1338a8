"""B4: decode the corpus's prior draws with one cell's VAE and judge whether each sample
"makes sense": whether it is typical of the corpus, its information -log p(x) within the
central TYPICAL share of the real test sentences' (a graded judge: a sentence the language
gives too little probability fails it, and so does a short, generic one it finds too likely).
p is the corpus's grammar on a built-in corpus (exact; a sentence it cannot derive has
-log p = inf), the reference language model on a real one."""

import numpy as np
import pandas as pd
import torch

from textvae.corpora import Vocab
from textvae.decoding import decode_in_batches
from textvae.english import english_grammar
from textvae.evaluation import log_likelihoods
from textvae.generation import load_cell, read_prior
from textvae.scripting import cell_name, run
from textvae.tables import write_parquet
from textvae.training import load_model

TYPICAL = 0.95


def lm_nll(lm, sentences: list[list[int]], vocab: Vocab, device) -> np.ndarray:
    """-log p(x) of each sentence under a language model."""
    no_z = torch.zeros(len(sentences), 0, device=device)
    return -log_likelihoods(lm, sentences, no_z, vocab.bos, vocab.eos)


def typical(nll: np.ndarray, test_nll: np.ndarray) -> tuple[np.ndarray, str]:
    """Whether each -log p(x) lies within the central TYPICAL share of the test sentences', and
    the judge's description."""
    tail = 100 * (1 - TYPICAL) / 2
    low, high = np.percentile(test_nll, [tail, 100 - tail])
    judge = f"-log p(x) within the test set's central {100 * TYPICAL:g} %: [{low:.2f}, {high:.2f}]"
    return (nll >= low) & (nll <= high), judge


def main(smk):
    p = smk.params
    model, _, vocab, device = load_cell(smk.input.model, smk.input.vocab)
    z = read_prior(smk.input.prior, device)
    with torch.no_grad():
        decoded = decode_in_batches(model.decoder, z, vocab.bos, vocab.eos, p.batch_size,
                                    seed=p.seed, **p.scheme)
    sentences = [vocab.decode(s) for s in decoded]
    test = pd.read_parquet(smk.input.test)
    if p.grammar is not None:
        grammar = english_grammar(p.grammar)
        score = -np.array([grammar.logprob(s) for s in sentences])
        meaningful, judge = typical(score, -test["logp_true"].to_numpy())
        judge += " under the corpus's grammar"
    else:
        lm, _ = load_model(smk.input.lm, device)
        score = lm_nll(lm, decoded, vocab, device)
        meaningful, judge = typical(score, lm_nll(lm, [vocab.encode(t.split()) for t in test["text"]], vocab, device))
        judge += " under the reference LM"
    corpus, model_id = smk.wildcards.corpus, smk.wildcards.model
    lengths = np.array([len(s) for s in sentences])
    frame = pd.DataFrame({"corpus": corpus, "model": model_id, "sample": range(len(sentences)),
                          "sentence": [" ".join(s) for s in sentences], "n_tokens": lengths,
                          "group": np.where(lengths <= p.split_at, f"<={p.split_at}", f">{p.split_at}"),
                          "score": score, "meaningful": meaningful, "judge": judge})
    write_parquet(frame, smk.output[0])
    print(f"{cell_name(smk)}: {100 * frame['meaningful'].mean():.1f} % judged meaningful ({judge})")


if "snakemake" in globals():
    run(main, snakemake)  # noqa: F821
