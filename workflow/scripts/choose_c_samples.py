"""C1: decode the corpus's prior draws with one short run's VAE and score each sample: its
per-token NLL under the corpus's grammar (smoothed, textvae.experiments.c1.smoothed_nll) on a
built-in corpus, under the reference language model on a real one."""

import numpy as np
import pandas as pd

import textvae
from textvae.device import select_device
from textvae.english import english_grammar
from textvae.experiments.c1 import smoothed_nll
from textvae.generation import read_prior
from textvae.judges import derivable
from textvae.judging import lm_logp
from textvae.scripting import cell_name, run
from textvae.tables import write_parquet


def information(smk, sentences: list[list[int]], vae) -> np.ndarray:
    """-log p(x) of each sample: the grammar's (inf where it cannot derive it), else the reference LM's."""
    if smk.params.grammar is not None:
        return derivable([vae.vocab.decode(s) for s in sentences], english_grammar(smk.params.grammar))[1]
    lm = textvae.load(smk.input.lm, vocab=smk.input.vocab, device=vae.device, log=print).model
    return -lm_logp(lm, sentences, vae.vocab, vae.device)


def main(smk):
    p = smk.params
    vae = textvae.load(smk.input.model, vocab=smk.input.vocab, device=select_device(), log=print)
    z = read_prior(smk.input.prior, vae.device)
    texts = vae.decode(z, p.scheme, seed=p.seed, batch_size=p.batch_size)
    sentences = vae.ids(texts, prepared=True)
    info = information(smk, sentences, vae)
    n_tokens = np.array([len(s) for s in sentences], dtype=float)
    words = len(vae.vocab) - 2  # what a decoder emits: every token but <pad> and <bos>
    per_token = (smoothed_nll(info, n_tokens, words, p.smoothing) if p.grammar is not None
                 else info / (n_tokens + 1))
    frame = pd.DataFrame(dict(corpus=smk.wildcards.corpus, model=smk.wildcards.model, sample=np.arange(len(texts)),
                              text=texts, n_tokens=n_tokens.astype(int), information=info,
                              derivable=np.isfinite(info), nll_per_token=per_token))
    write_parquet(frame, smk.output[0])
    print(f"{cell_name(smk)}: {len(frame)} prior samples, {per_token.mean():.3f} nats a token, "
          f"{100 * frame['derivable'].mean():.1f} % with finite -log p(x)")


if "snakemake" in globals():
    run(main, snakemake)  # noqa: F821
