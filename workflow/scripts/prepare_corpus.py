"""Write the train/valid/test splits of one corpus and its vocabulary as Parquet."""

from textvae import corpora
from textvae.english import english_grammar
from textvae.scripting import run
from textvae.tables import write_parquet


def main(smk):
    spec = smk.params.corpus
    if "grammar" in spec:
        grammar = english_grammar(spec["grammar"])
        frames = corpora.grammar_splits(grammar, spec["sizes"], spec.get("seed", 1))
        train = [t.split() for t in frames["train"]["text"]]
        # every word of the grammar is in the vocabulary: no <unk>, so D + R >= H holds
        vocab = corpora.build_vocab(train, None, extra=grammar.terminals)
    else:
        files = dict(zip(("train", "valid", "test"), smk.input)) if "train" in spec else {"all": list(smk.input)}
        splits = corpora.text_corpus_splits(spec, files)
        frames = {split: corpora.sentences_frame(s) for split, s in splits.items()}
        vocab = corpora.build_vocab(splits["train"], spec["vocab_size"])
    for split, frame in frames.items():
        write_parquet(frame, smk.output[split])
        print(f"{smk.params.name} {split}: {len(frame)} sentences, "
              f"mean length {frame['n_tokens'].mean():.2f}")
    write_parquet(vocab, smk.output.vocab)
    print(f"{smk.params.name}: vocabulary of {len(vocab)} tokens")


if "snakemake" in globals():
    run(main, snakemake)  # noqa: F821
