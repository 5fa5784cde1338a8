"""Train one cell's VAE; resume from its checkpoint when rerun after an interruption.  Each
history row is a line of the log; with `tensorboard: true` in the config, TensorBoard event
files too, under {results}/tensorboard/{corpus}/{model}."""

from pathlib import Path

import pandas as pd

from textvae.corpora import Vocab
from textvae.device import select_device
from textvae.scripting import cell_name, naming_memory_errors, run
from textvae.settings import Settings
from textvae.tables import write_parquet
from textvae.training import train_cell


def main(smk):
    vocab = Vocab.from_frame(pd.read_parquet(smk.input.vocab))
    train, valid = ([vocab.encode(t.split()) for t in pd.read_parquet(path)["text"]]
                    for path in (smk.input.train, smk.input.valid))
    cell = cell_name(smk)
    tensorboard = Path(smk.config["results"], "tensorboard", cell) if smk.config.get("tensorboard") else None
    with naming_memory_errors(cell):
        history = train_cell(Settings(**smk.params.settings), train, len(vocab), vocab.bos, vocab.eos,
                             out_dir=smk.output.model.rsplit("/", 1)[0], cell=cell,
                             device=select_device(), held_out=valid,
                             keep_checkpoint=smk.config.get("keep_checkpoints", False), tensorboard=tensorboard)
    write_parquet(history, smk.output.history)
    last = history.iloc[-1]
    print(f"{cell}: done after {int(last['step'])} steps; "
          f"last rec {last['reconstruction']:.2f}, KL {last['kl']:.2f}")


if "snakemake" in globals():
    run(main, snakemake)  # noqa: F821
