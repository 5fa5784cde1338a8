"""B4: decode the corpus's prior draws with one cell's VAE, keep the samples that pass paper B's
filter (min_len-max_len tokens, no <unk>) until `samples` are kept, and judge whether each
"makes sense" (textvae.judges): on a built-in corpus whether its grammar derives it, on a real
corpus whether its SLOR under the reference language model is at least the valid sentences' low
quantile of its length group; and, as its own column, whether it is typical of the corpus.  The
draws are decoded in their order, `samples` at a time, so every model's samples of z number i
decode the same z."""

import numpy as np
import pandas as pd
import torch

import textvae
from textvae.corpora import Vocab
from textvae.decoding import decode_in_batches
from textvae.device import select_device
from textvae.generation import eligible, read_prior
from textvae.judges import length_groups, typical
from textvae.judging import corpus_judge, split_ids
from textvae.scripting import cell_name, run
from textvae.tables import write_parquet


def judged(smk, decoded: list[list[int]], vocab: Vocab, device):
    """(information -log p(x), meaningful, typical, description of the judges) of each sample.

    Typical against the test sentences' -log p(x): exact on a built-in corpus, under the
    reference LM on a real one."""
    judge = corpus_judge(smk.input, smk.params, vocab, device)
    meaningful, information, description = judge(decoded)
    test = pd.read_parquet(smk.input.test)
    if smk.params.grammar is not None:
        test_information, under = -test["logp_true"].to_numpy(), ""
    else:
        test_information, under = judge(split_ids(smk.input.test, vocab))[1], " under the reference LM"
    is_typical, typical_judge = typical(information, test_information)
    return information, meaningful, is_typical, f"{description}; typical: {typical_judge}{under}"


def filtered_samples(decoder, z: torch.Tensor, vocab: Vocab, p) -> tuple[list[list[int]], np.ndarray]:
    """The draws decoded in order, `samples` at a time, until `samples` pass the filter.

    (every decoded sample, whether each is kept: it passes and is among the first `samples` that do)."""
    decoded, passing = [], []
    with torch.no_grad():
        while len(passing) < p.samples and len(decoded) < len(z):
            chunk = z[len(decoded):len(decoded) + p.samples]
            new = decode_in_batches(decoder, chunk, vocab.bos, vocab.eos, p.batch_size, seed=p.seed + len(decoded),
                                    **p.scheme)
            texts = [" ".join(vocab.decode(s)) for s in new]
            passing += [len(decoded) + i for i in eligible(texts, vocab, p.min_len, p.max_len)]
            decoded += new
    kept = np.zeros(len(decoded), dtype=bool)
    kept[passing[:p.samples]] = True
    return decoded, kept


def main(smk):
    p = smk.params
    vae = textvae.load(smk.input.model, vocab=smk.input.vocab, device=select_device(), log=print)
    vocab, device = vae.vocab, vae.device
    decoded, kept = filtered_samples(vae.model.decoder, read_prior(smk.input.prior, device), vocab, p)
    sentences = [vocab.decode(s) for s in decoded]
    information, meaningful, is_typical, judge = judged(smk, decoded, vocab, device)
    lengths = np.array([len(s) for s in sentences])
    frame = pd.DataFrame({"corpus": smk.wildcards.corpus, "model": smk.wildcards.model, "sample": range(len(sentences)),
                          "sentence": [" ".join(s) for s in sentences], "n_tokens": lengths, "kept": kept,
                          "group": length_groups(lengths, p.split_at), "split_at": p.split_at, "score": information,
                          "meaningful": meaningful, "typical": is_typical, "judge": judge})
    write_parquet(frame, smk.output[0])
    shown = frame[frame["kept"]]
    print(f"{cell_name(smk)}: {len(frame)} z drawn, {len(shown)} samples kept by the filter; of them "
          f"{100 * shown['meaningful'].mean():.1f} % judged meaningful, {100 * shown['typical'].mean():.1f} % typical "
          f"({judge})")


if "snakemake" in globals():
    run(main, snakemake)  # noqa: F821
