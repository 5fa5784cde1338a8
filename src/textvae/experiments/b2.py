"""B2, reconstructions (Mansbridge et al. 2018, Table 1), judged by B3.

Test sentences reconstructed from z ~ q(z|x) by beam search, side by side per model; no claims.
"""

from __future__ import annotations

from .base import Experiment


def reconstruct(keys: dict, decoding: dict) -> dict:
    """Rule reconstruct's params: z ~ q(z|x) and the experiment's seed.

For the first `sentences` test sentences of min_len-max_len tokens."""
    return dict(z="sample", select={"n": keys["sentences"], "min_len": keys["min_len"], "max_len": keys["max_len"]},
                seed=keys["seed"])


EXPERIMENT = Experiment(id="B2", title="B2 reconstructions (Table 1)", rules="decode.smk",
                        tables=("autogen_reconstructions",), reconstruct=reconstruct)
