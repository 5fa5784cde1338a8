"""Paper B's model roles, read from the model ids: the VAE, the VAE with KL annealing, AutoGen m = 1 and m = 2.

Shared by the claims of B1, B4 and B5, which compare B1's models.
"""

from __future__ import annotations

from .. import model_ids

ROLES = {"vae": "the VAE", "vae_anneal": "the VAE with KL annealing", "m1": "AutoGen m = 1",
         "m2": "AutoGen m = 2"}


def roles(models) -> dict[str, str]:
    """{role: the first model id of that role among `models`}.

vae and vae_anneal: objective vae, without and with annealing; m1 and m2: autogen, m = 1 or 2."""
    found = {}
    for model in models:
        named = model_ids.parse(model)
        role = ("vae_anneal" if named.anneal else "vae") if named.objective == "vae" else \
            f"m{named.m:g}" if named.objective == "autogen" else None
        found.setdefault(role, model)
    return {role: model for role, model in found.items() if role in ROLES}


def missing(have: dict, needed) -> str:
    """What an experiment lacks of the roles `needed` ('' if nothing)."""
    lacked = [ROLES[r] for r in needed if r not in have]
    return f"the experiment has no model for {', '.join(lacked)}" if lacked else ""
