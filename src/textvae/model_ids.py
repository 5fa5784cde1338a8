"""Model ids: the one grammar that names a cell's model, readable in a path.

`{arch}-{objective}[-C{C} | -m{m} | -b{beta}][-anneal][-s{seed}]`, e.g. `lstm-betac-C15-s2`;
`lstm-lm` is the decoder alone.  `-s{seed}` sets the training seed.  `parse` reads ids,
`ModelId.format` writes them, `WILDCARD` matches them.  Why: docs/design.md#model_ids.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .settings import ARCHS, OBJECTIVES

PATTERN = (r"(?P<arch>[a-z]+)-(?P<objective>[a-z]+)(?:-(?P<key>[Cmb])(?P<value>\d+(?:\.\d+)?))?"
           r"(?P<anneal>-anneal)?(?:-s(?P<seed>\d+))?")
WILDCARD = re.sub(r"\(\?P<\w+>", "(?:", PATTERN)  # without group names, as Snakemake's wildcard constraint
VALUE_KEY = {"betac": "C", "freebits": "C", "autogen": "m", "beta": "b", "vae": None, "lm": None}
GRID_VALUES = {"C": "C", "m": "m", "b": "beta"}  # the id's letter -> the setting it gives


class ModelIdError(ValueError):
    """A model id that does not follow the grammar; the message names the id and the rule."""


def number(x: float) -> str:
    """3.0 -> '3', 2.5 -> '2.5': numbers as they appear in model ids."""
    return str(int(x)) if float(x).is_integer() else repr(float(x))


@dataclass(frozen=True)
class ModelId:
    """What a model id names; the values the objective does not take stay neutral."""

    arch: str  # lstm, gru or cnn
    objective: str  # vae, beta, betac, freebits, autogen or lm
    C: float = 0.0  # the target rate of betac and freebits
    m: float = 0.0  # AutoGen's m
    beta: float = 1.0  # the KL weight of beta
    anneal: bool = False  # whether the KL weight is annealed
    seed: int | None = None  # the training seed (None: the settings' seed)

    def format(self) -> str:
        """The id: ModelId('lstm', 'betac', C=15.0).format() == 'lstm-betac-C15'."""
        key = VALUE_KEY.get(self.objective)
        value = f"-{key}{number(getattr(self, GRID_VALUES[key]))}" if key else ""
        anneal = "-anneal" if self.anneal else ""
        seed = f"-s{self.seed}" if self.seed is not None else ""
        return f"{self.arch}-{self.objective}{value}{anneal}{seed}"


def parse(model_id: str) -> ModelId:
    """A model id, parsed.

    'lstm-betac-C15' -> ModelId(arch=lstm, objective=betac, C=15.0); 'lstm-betac-C15-s2' ->
    the same with seed 2."""
    match = re.fullmatch(PATTERN, model_id)
    if not match:
        raise ModelIdError(f"model id {model_id!r} is not of the form "
                           "{arch}-{objective}[-C<C>|-m<m>|-b<beta>][-anneal][-s<seed>], e.g. lstm-betac-C15")
    arch, objective, key = match["arch"], match["objective"], match["key"]
    if arch not in ARCHS:
        raise ModelIdError(f"model id {model_id!r}: unknown architecture {arch!r}; expected one of {ARCHS}")
    if objective not in OBJECTIVES:
        raise ModelIdError(f"model id {model_id!r}: unknown objective {objective!r}; expected one of {OBJECTIVES}")
    if key != VALUE_KEY[objective]:
        wanted = VALUE_KEY[objective]
        raise ModelIdError(f"model id {model_id!r}: objective {objective} takes "
                           + (f"a -{wanted}<number> part" if wanted else "no number part"))
    value = {GRID_VALUES[key]: float(match["value"])} if key else {}
    return ModelId(arch, objective, **value, anneal=bool(match["anneal"]),
                   seed=int(match["seed"]) if match["seed"] else None)


def split_seed(model_id: str) -> tuple[str, str]:
    """A model id split into the model and the run's seed suffix.

    'lstm-betac-C15-s2' -> ('lstm-betac-C15', '-s2'): the model that runs of several seeds
    repeat, and the run's seed suffix ('' for an id without one)."""
    match = re.fullmatch(PATTERN, model_id)
    if match is None or match["seed"] is None:
        return model_id, ""
    cut = match.start("seed") - len("-s")
    return model_id[:cut], model_id[cut:]


def without_seed(model_id: str) -> str:
    """'lstm-betac-C15-s2' -> 'lstm-betac-C15'."""
    return split_seed(model_id)[0]


def with_seed(model_id: str, seed: int) -> str:
    """'lstm-betac-C15', 2 -> 'lstm-betac-C15-s2'."""
    return f"{model_id}-s{seed}"
