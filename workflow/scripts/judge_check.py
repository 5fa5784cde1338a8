"""B4's judge on sentences whose answer is known: the real test sentences that pass paper B's
filter, the same sentences with their words shuffled, and with 1..SWAPS of their words swapped
for words drawn by their training frequency (seeded; textvae.judges.corrupted).  On a real
corpus the judge's thresholds come from the valid split, so the test sentences check it rather
than define it.  A row a sentence and kind: whether the judge passes it."""

import numpy as np
import pandas as pd

from textvae.corpora import Vocab
from textvae.device import select_device
from textvae.judges import corrupted, length_groups, unigram_logprobs
from textvae.judging import corpus_judge, split_ids
from textvae.scripting import run
from textvae.tables import write_parquet


def main(smk):
    p = smk.params
    vocab, device = Vocab.from_frame(pd.read_parquet(smk.input.vocab)), select_device()
    test = split_ids(smk.input.test, vocab, p.min_len, p.max_len)
    unigram = unigram_logprobs(split_ids(smk.input.train, vocab), len(vocab), vocab.eos)
    judge = corpus_judge(smk.input, p, vocab, device)
    frames = []
    for kind, sentences in corrupted(test, unigram, (vocab.pad, vocab.unk, vocab.bos, vocab.eos), p.seed).items():
        passes, information, description = judge(sentences)
        lengths = np.array([len(s) for s in sentences])
        frames.append(pd.DataFrame({"corpus": smk.wildcards.corpus, "kind": kind, "sentence": range(len(sentences)),
                                    "text": [" ".join(vocab.decode(s)) for s in sentences], "n_tokens": lengths,
                                    "group": length_groups(lengths, p.split_at),
                                    "changed": [s != t for s, t in zip(sentences, test)], "score": information,
                                    "passes": passes, "judge": description}))
    frame = pd.concat(frames, ignore_index=True)
    write_parquet(frame, smk.output[0])
    print(frame.groupby("kind", sort=False)["passes"].agg(["size", "mean"]).to_string())


if "snakemake" in globals():
    run(main, snakemake)  # noqa: F821
