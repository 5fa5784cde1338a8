"""A cell's settings, typed once, and the names the config may choose among.

`Settings` is everything that makes one trained model; it reaches the training job as plain
values, is saved in the model file under "settings", and its hash fingerprints checkpoints.
The enums are those the config schema allows.  Torch-free.  Why: docs/design.md#settings.
"""

from __future__ import annotations

from dataclasses import dataclass

ARCHS = ("lstm", "gru", "cnn")  # textvae.models
OBJECTIVES = ("vae", "beta", "betac", "freebits", "autogen", "lm")  # textvae.objectives
PRECISIONS = ("fp32", "tf32", "bf16")  # of the training steps (textvae.precision)
LR_SCHEDULES = ("constant", "cosine")  # textvae.training.learning_rate
ANNEAL_SCHEDULES = ("linear", "sigmoid")  # textvae.objectives.kl_weight
BATCHES = ("bucketed", "random")  # textvae.batching.epoch_batches
Z_INPUTS = ("every_step", "initial_state")  # how z enters the decoder (textvae.models.RNNDecoder)
# textvae.decoding's methods, each with the keys its scheme needs besides the method
DECODING_METHODS = {"greedy": (), "topk": ("k",), "nucleus": ("p",), "sample": (), "beam": ("width",)}


@dataclass(frozen=True)
class Settings:
    """One cell's settings.

    The model id gives the first seven (arch, objective, C, m, beta, whether to anneal, and
    the seed where it ends in -s{seed}); the config's `defaults`, an experiment's `settings`
    and `cells` give the rest."""

    # what the model id names
    arch: str  # one of ARCHS
    objective: str  # one of OBJECTIVES
    C: float  # target rate in nats (betac, freebits)
    m: float  # AutoGen's m: the reconstruction term weighted 1 + m
    beta: float  # weight of the KL term (beta, betac)
    anneal: str | None  # the KL weight's schedule (one of ANNEAL_SCHEDULES) for an -anneal model, else None
    seed: int  # initialisation, batch order, word dropout and z samples
    # the network (textvae.models.build_vae); z = 0 is a language model without an encoder
    emb: int
    hidden: int
    z: int
    cnn_channels: int
    cnn_inner: int
    cnn_width: int
    cnn_blocks: int
    cnn_dropout: float  # after each convolution of a ConvLM block, in training
    cnn_eval_dropout: bool  # ... and at evaluation and decoding too (the authors' code)
    word_dropout: float
    z_input: str  # one of Z_INPUTS
    shared_embedding: bool  # one embedding table for the encoder and the decoder (the authors' code)
    encoder_eos: bool  # the encoder reads </s> after the sentence (the authors' code)
    # training (textvae.training.train_cell)
    epochs: int
    batch_size: int
    batches: str  # one of BATCHES: how an epoch's sentences are grouped into batches
    lr: float
    lr_schedule: str  # one of LR_SCHEDULES
    grad_clip: float  # largest gradient norm; 0: no clipping
    c_ramp_epochs: float  # C rises linearly from 0 over these epochs
    anneal_epochs: float  # the KL weight rises from 0 to 1 over these epochs (-anneal models)
    history_every: int  # steps between history rows
    held_out_sentences: int  # validation sentences scored at each history row
    precision: str  # one of PRECISIONS
    train_fraction: float = 1.0  # the share of the training split it trains on (training.training_subset)

    def __post_init__(self):
        for name, allowed in (("arch", ARCHS), ("objective", OBJECTIVES), ("precision", PRECISIONS),
                              ("lr_schedule", LR_SCHEDULES), ("anneal", (None, *ANNEAL_SCHEDULES)),
                              ("batches", BATCHES), ("z_input", Z_INPUTS)):
            if getattr(self, name) not in allowed:
                raise ValueError(f"settings: {name} {getattr(self, name)!r} is not one of {allowed}")


# what a model file written before a setting existed was trained with
EARLIER = {"batches": "bucketed", "cnn_dropout": 0.0, "cnn_eval_dropout": False, "z_input": "every_step",
           "shared_embedding": False, "encoder_eos": False}


def saved_settings(saved: dict) -> Settings:
    """The settings stored in a trained model's file.

    The file as loaded: under "settings", or, in a
    file written before the settings were typed, under "params", where cells that did not anneal
    also kept the unused `anneal_schedule` (dropped here: `anneal` holds the schedule in use);
    a setting the file predates takes its value of then (EARLIER)."""
    if "settings" in saved:
        values = dict(saved["settings"])
    else:
        values = dict(saved["params"])
        values.pop("anneal_schedule", None)
    return Settings(**{**EARLIER, **values})
