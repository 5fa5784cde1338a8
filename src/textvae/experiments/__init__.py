"""The registry of the two papers' experiments: one module each (a1 .. b5).

A module holds its experiment's `EXPERIMENT` (textvae.experiments.base), its claim ids and
rule, and the declarations its stage rules read; the workflow's targets, the report, the claims
check and the results page derive from the registry.  Adding an experiment: README.
"""

from __future__ import annotations

import importlib
import pkgutil
import re

from ..claims.implied import CLAIM_IDS as IMPLIED_IDS
from .base import PAPERS, Experiment, Figure, PathTable

__all__ = ["PAPERS", "WHOLE_RUN", "Experiment", "Figure", "PathTable", "REGISTRY", "EXPERIMENTS", "chosen", "figures",
           "targets", "claimed",
           "claim_ids", "claim_pattern"]

WHOLE_RUN = "The whole run"  # the report's category of what spans the experiments (claims, runs)
MODULE = re.compile(r"([a-z])(\d+)")  # an experiment's module: its id in lower case


def _registry() -> tuple[Experiment, ...]:
    """The `EXPERIMENT` of every experiment module of this package, by paper and number."""
    names = [m.name for m in pkgutil.iter_modules(__path__) if MODULE.fullmatch(m.name)]
    names.sort(key=lambda name: (name[0], int(name[1:])))
    return tuple(importlib.import_module(f"{__name__}.{name}").EXPERIMENT for name in names)


REGISTRY = _registry()
EXPERIMENTS = {experiment.id: experiment for experiment in REGISTRY}


def chosen(config: dict, registry=REGISTRY) -> list[Experiment]:
    """The registry's experiments that the config runs, in registry order."""
    return [e for e in registry if e.id in config["experiments"]]


def figures(config: dict, registry=REGISTRY) -> dict[str, tuple[Figure, Experiment]]:
    """{figure name: (figure, its experiment)} of the experiments the config runs."""
    return {f.name: (f, e) for e in chosen(config, registry) for f in e.figures}


def targets(config: dict, results: str, registry=REGISTRY) -> list[str]:
    """The `tables` target's files of the experiments the config runs.

Every table, figure and paper table."""
    files = []
    for experiment in chosen(config, registry):
        names = [*experiment.tables, *([f"{experiment.paper_table}_paper"] if experiment.paper_table else [])]
        files += [f"{results}/tables/{name}.{ext}" for name in names for ext in ("parquet", "md")]
        files += [f"{results}/figures/{f.name}.{ext}" for f in experiment.figures for ext in ("png", "pdf")]
    return files


def claimed(config: dict, registry=REGISTRY) -> list[Experiment]:
    """The experiments the config runs that have claims, in registry order."""
    return [e for e in chosen(config, registry) if e.claims]


def claim_ids(registry=REGISTRY) -> list[str]:
    """Every claim id the experiments and the implied checks can emit (<name>: a part read from the run)."""
    return [claim for e in registry for claim in e.claim_ids] + list(IMPLIED_IDS)


def claim_pattern(claim_id: str) -> re.Pattern:
    """The claims a declared id stands for, as a regular expression (each <name> one or more characters)."""
    return re.compile(re.sub(r"<\w+>", ".+", re.escape(claim_id)))
