"""B2, reconstructions (Mansbridge et al. 2018, Table 1): test sentences reconstructed from
z ~ q(z|x) by beam search, side by side for B1's models; B3 judges them.  No claims of its own.
"""

from __future__ import annotations

from .base import Experiment


def reconstruct(keys: dict, decoding: dict) -> dict:
    """Rule reconstruct's params: a z ~ q(z|x) of the first `sentences` test sentences of
    min_len-max_len tokens, with the experiment's seed."""
    return dict(z="sample", select={"n": keys["sentences"], "min_len": keys["min_len"], "max_len": keys["max_len"]},
                seed=keys["seed"])


EXPERIMENT = Experiment(id="B2", title="B2 reconstructions (Table 1)", rules="decode.smk",
                        tables=("autogen_reconstructions",), reconstruct=reconstruct)
