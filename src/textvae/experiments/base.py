"""What an experiment declares: its registry entry and the declarations its stage rules read.

No torch: the workflow reads the registry at every snakemake start.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

PAPERS = {"A": "Paper A: Prokhorov et al. 2019 (beta_C-VAE)", "B": "Paper B: Mansbridge et al. 2018 (AutoGen)",
          "C": "Beyond the papers: choosing C (paper A's future work)"}


@dataclass(frozen=True)
class Figure:
    """A figure of an experiment, drawn by textvae.figures."""

    name: str  # the textvae.figures function that draws it, and its file's name under results/figures
    table: str  # the table under results/tables it is drawn from
    title: str  # its heading in the report
    caption: str | None = None  # its caption on the results page, docs/results.md (None: not shown there)


@dataclass(frozen=True)
class PathTable:
    """A table of decoded paths (rule table_paths): its name, the per-cell file it gathers, its title."""

    name: str
    file: str  # {results}/decode/{corpus}/{model}/{file}.parquet
    title: str


@dataclass(frozen=True)
class Experiment:
    """One experiment of the two papers: what the workflow, the report and the claims check read."""

    id: str  # its paper's letter and number, e.g. A1
    title: str  # its heading in the report
    rules: str  # its rule file under workflow/rules
    tables: tuple[str, ...]  # the tables its rules write under results/tables (each .parquet and .md)
    figures: tuple[Figure, ...] = ()  # the figures drawn from its tables
    claims: Callable | None = None  # decides its claims: (tables, schemes=, margins=) -> verdict rows
    claim_ids: tuple[str, ...] = ()  # every claim id `claims` can emit (<name> marks a part read from the run)
    rate_claim: str | None = None  # its claim that decides the rate of its runs (the implied check skips them)
    claims_tables: tuple[str, ...] = ()  # the tables under results/tables `claims` reads
    paper_table: str | None = None  # its table that has a companion `{paper_table}_paper` of the paper's values
    evaluated: bool = False  # whether its cells are evaluated on the test set (eval/{corpus}/{model}/)
    shared_prior: bool = False  # its models on a corpus decode the same z ~ p(z), so share one latent size
    judges: str | None = None  # the experiment whose decodings it judges: its `pairs` name that one's models
    reference_lm: bool = False  # on a real corpus, a language model of the corpus (lstm-lm) judges its samples
    reconstruct: Callable[[dict, dict], dict] | None = None  # (its config, decoding) -> z, select, seed to reconstruct
    prior_draws: Callable[[dict], int] | None = None  # its config -> how many z ~ p(z) rule prior_draws draws
    path_table: PathTable | None = None  # its table of decoded paths
    lm_overrides: Callable[[dict], dict] | None = None  # its config -> the settings of its LMs over their cell's

    @property
    def paper(self) -> str:
        """The report's category: the paper the experiment reproduces."""
        return PAPERS[self.id[0]]
