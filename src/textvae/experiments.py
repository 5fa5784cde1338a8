"""The registry of experiments: for each experiment of the two papers, the rule file that holds
its rules, the tables and figures it writes, its title in the report, the rule of
textvae.claims that decides its claims and the tables it reads, and its table of the paper's
values.  The workflow derives from it the `tables` and `figures` targets, the report's
captions, the claims check's inputs and README's results section; adding an experiment is its
rule file, its scripts, its library code, a key in the config schema and one entry here.

No torch: the workflow reads it at every snakemake start (the claims' rules need only the
numpy and pandas that Snakemake loads anyway).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .claims import paper_a, paper_b

PAPERS = {"A": "Paper A: Prokhorov et al. 2019 (beta_C-VAE)", "B": "Paper B: Mansbridge et al. 2018 (AutoGen)"}
WHOLE_RUN = "The whole run"  # the report's category of what spans the experiments (claims, runs)


@dataclass(frozen=True)
class Figure:
    """A figure drawn by textvae.figures' function `name` from `table`; `title` heads it in the
    report, `caption` (if any) shows it in README's results."""

    name: str
    table: str
    title: str
    caption: str | None = None


@dataclass(frozen=True)
class Experiment:
    """One experiment: `rules`, its rule file under workflow/rules; `tables`, the names of the
    tables its rules write under results/tables (each .parquet and .md); `claims`, the rule of
    textvae.claims that decides its claims from the tables `claims_tables` (under
    results/tables, bootstrap companions among them); `paper_table`, its table that has a
    companion `{paper_table}_paper` of the paper's own values; `evaluated`, whether its cells are
    evaluated on the test set (eval/{corpus}/{model}/: the runs table and the implied checks
    read them)."""

    id: str
    title: str
    rules: str
    tables: tuple[str, ...]
    figures: tuple[Figure, ...] = ()
    claims: Callable | None = None
    claims_tables: tuple[str, ...] = ()
    paper_table: str | None = None
    evaluated: bool = False

    @property
    def paper(self) -> str:
        """The report's category: the paper the experiment reproduces."""
        return PAPERS[self.id[0]]


REGISTRY = (
    Experiment(
        "A1", "A1 rate-distortion (Fig. 1)", "evaluate.smk", ("rate_distortion", "rate_training"),
        (Figure("rate_distortion", "rate_distortion",
                "A1 (Prokhorov et al. 2019, Fig. 1 left): distortion against rate, one panel per corpus, one "
                "line per architecture, each point labelled with its C",
                "A1: distortion against rate per architecture (Prokhorov et al. Fig. 1)"),
         Figure("logdetcov", "rate_distortion",
                "A1 (Prokhorov et al. 2019, Fig. 1 right): LogDetCov of the aggregated posterior against C",
                "A1: LogDetCov against C"),
         Figure("rate_training", "rate_training",
                "A1: the held-out rate R, mutual information I(x; z) and offset 1/2 ||mean mu||^2 (nats) "
                "against training step at the largest C, one panel per corpus and model: a rate that is "
                "an offset (R - MI large, the offset near R) tells the decoder nothing about x",
                "A1: rate, MI and the offset of the posterior means during training, largest C")),
        claims=paper_a.a1, claims_tables=("rate_distortion", "rate_distortion_bootstrap"), evaluated=True),
    Experiment(
        "A2", "A2 capacity and reconstructions (Table 1)", "decode.smk", ("capacity",),
        (Figure("capacity", "capacity",
                "A2 (Prokhorov et al. 2019, Table 1): BLEU-2 (bars) and BLEU-4 (ticks) of greedy "
                "reconstructions by source length, per C",
                "A2: BLEU of greedy reconstructions by source length, per C (Table 1)"),),
        claims=paper_a.a2, claims_tables=("capacity", "capacity_bootstrap"), paper_table="capacity",
        evaluated=True),
    Experiment(
        "A3", "A3 aggregate posterior (Sec. 3.2)", "evaluate.smk", ("aggregate_posterior",),
        claims=paper_a.a3, claims_tables=("aggregate_posterior", "aggregate_posterior_bootstrap"), evaluated=True),
    Experiment(
        "A4", "A4 homotopy (Table 2)", "decode.smk", ("homotopy",),
        claims=paper_a.a4, claims_tables=("homotopy_repeats", "homotopy_repeats_bootstrap")),
    Experiment(
        "A5", "A5 forward cross entropy (Table 3)", "fce.smk", ("fce",),
        (Figure("fce", "fce",
                "A5 (Prokhorov et al. 2019, Table 3): forward cross entropy against C per decoding scheme, "
                "error bars: standard deviation over the seeds' LMs",
                "A5: forward cross entropy per C and decoding scheme (Table 3)"),),
        claims=paper_a.a5, claims_tables=("fce", "fce_lms"), paper_table="fce"),
    Experiment(
        "A6", "A6 syntactic evaluation (Table 4)", "syntax.smk", ("syntax",),
        (Figure("syntax", "syntax",
                "A6 (Prokhorov et al. 2019, Table 4): p1 (given z+) and p2 (given z-) per Marvin & Linzen "
                "category, one panel per model",
                "A6: p1 and p2 per Marvin & Linzen category (Table 4)"),),
        claims=paper_a.a6, claims_tables=("syntax",), paper_table="syntax"),
    Experiment(
        "B1", "B1 training curves (Fig. 2)", "train.smk", ("autogen_training",),
        (Figure("autogen_training", "autogen_training",
                "B1 (Mansbridge et al. 2018, Fig. 2): held-out KL as % of the objective and held-out ELBO "
                "against training step, one line per model",
                "B1: KL share and ELBO during training (Mansbridge et al. Fig. 2)"),),
        claims=paper_b.b1, claims_tables=("autogen_training",)),
    Experiment("B2", "B2 reconstructions (Table 1)", "decode.smk", ("autogen_reconstructions",)),
    Experiment(
        "B3", "B3 preference judge (Table 2)", "decode.smk", ("autogen_preference",),
        claims=paper_b.b3, claims_tables=("autogen_preference",), paper_table="autogen_preference"),
    Experiment(
        "B4", "B4 prior samples (Tables 3-4)", "decode.smk", ("autogen_samples",),
        claims=paper_b.b4, claims_tables=("autogen_samples_sentences",), paper_table="autogen_samples"),
    Experiment(
        "B5", "B5 interpolation (Table 5)", "decode.smk", ("autogen_interpolation",),
        claims=paper_b.b5,
        claims_tables=("autogen_interpolation_repeats", "autogen_interpolation_repeats_bootstrap")),
)
EXPERIMENTS = {experiment.id: experiment for experiment in REGISTRY}


def chosen(config: dict, registry=REGISTRY) -> list[Experiment]:
    """The registry's experiments that the config runs, in registry order."""
    return [e for e in registry if e.id in config["experiments"]]


def figures(config: dict, registry=REGISTRY) -> dict[str, tuple[Figure, Experiment]]:
    """{figure name: (figure, its experiment)} of the experiments the config runs."""
    return {f.name: (f, e) for e in chosen(config, registry) for f in e.figures}


def targets(config: dict, results: str, registry=REGISTRY) -> list[str]:
    """The files of the `tables` target that belong to experiments: every table, figure and
    paper table of the experiments the config runs."""
    files = []
    for experiment in chosen(config, registry):
        names = [*experiment.tables, *([f"{experiment.paper_table}_paper"] if experiment.paper_table else [])]
        files += [f"{results}/tables/{name}.{ext}" for name in names for ext in ("parquet", "md")]
        files += [f"{results}/figures/{f.name}.{ext}" for f in experiment.figures for ext in ("png", "pdf")]
    return files


def claimed(config: dict, registry=REGISTRY) -> list[Experiment]:
    """The experiments the config runs that have claims, in registry order."""
    return [e for e in chosen(config, registry) if e.claims]
