"""The registry of the two papers' experiments.

For each experiment, the rule file that holds
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
    """A figure of an experiment, drawn by textvae.figures."""

    name: str  # the textvae.figures function that draws it, and its file's name under results/figures
    table: str  # the table under results/tables it is drawn from
    title: str  # its heading in the report
    caption: str | None = None  # its caption in README's results (None: not shown there)


@dataclass(frozen=True)
class Experiment:
    """One experiment of the two papers."""

    id: str  # "A1".."B5": its paper's letter and number
    title: str  # its heading in the report
    rules: str  # its rule file under workflow/rules
    tables: tuple[str, ...]  # the tables its rules write under results/tables (each .parquet and .md)
    figures: tuple[Figure, ...] = ()  # the figures drawn from its tables
    claims: Callable | None = None  # the rule of textvae.claims that decides its claims (None: no claims)
    claims_tables: tuple[str, ...] = ()  # the tables under results/tables `claims` reads (bootstrap ones among them)
    paper_table: str | None = None  # its table that has a companion `{paper_table}_paper` of the paper's own values
    evaluated: bool = False  # whether its cells are evaluated on the test set (eval/{corpus}/{model}/)
    shared_prior: bool = False  # its models on a corpus decode the same z ~ p(z), so share one latent size
    judges: str | None = None  # the experiment whose decodings it judges: its `pairs` name that one's models
    reference_lm: bool = False  # on a real corpus, a language model of the corpus (lstm-lm) judges its samples

    @property
    def paper(self) -> str:
        """The report's category: the paper the experiment reproduces."""
        return PAPERS[self.id[0]]


REGISTRY = (
    Experiment(id="A1", title="A1 rate-distortion (Fig. 1)", rules="evaluate.smk",
               tables=("rate_distortion", "rate_training"),
               figures=(Figure(name="rate_distortion", table="rate_distortion",
                               title="A1 (Prokhorov et al. 2019, Fig. 1 left): distortion against rate, one panel "
                                     "per corpus, one line per architecture, each point labelled with its C",
                               caption="A1: distortion against rate per architecture (Prokhorov et al. Fig. 1)"),
                        Figure(name="logdetcov", table="rate_distortion",
                               title="A1 (Prokhorov et al. 2019, Fig. 1 right): LogDetCov of the aggregated "
                                     "posterior against C",
                               caption="A1: LogDetCov against C"),
                        Figure(name="rate_training", table="rate_training",
                               title="A1: the held-out rate R, mutual information I(x; z) and offset 1/2 "
                                     "||mean mu||^2 (nats) against training step at the largest C, one panel per "
                                     "corpus and model: a rate that is an offset (R - MI large, the offset near R) "
                                     "tells the decoder nothing about x",
                               caption="A1: rate, MI and the offset of the posterior means during training, "
                                       "largest C")),
               claims=paper_a.a1, claims_tables=("rate_distortion", "rate_distortion_bootstrap"), evaluated=True),
    Experiment(id="A2", title="A2 capacity and reconstructions (Table 1)", rules="decode.smk", tables=("capacity",),
               figures=(Figure(name="capacity", table="capacity",
                               title="A2 (Prokhorov et al. 2019, Table 1): BLEU-2 (bars) and BLEU-4 (ticks) of "
                                     "greedy reconstructions by source length, per C",
                               caption="A2: BLEU of greedy reconstructions by source length, per C (Table 1)"),),
               claims=paper_a.a2, claims_tables=("capacity", "capacity_bootstrap"), paper_table="capacity",
               evaluated=True),
    Experiment(id="A3", title="A3 aggregate posterior (Sec. 3.2)", rules="evaluate.smk",
               tables=("aggregate_posterior",),
               claims=paper_a.a3, claims_tables=("aggregate_posterior", "aggregate_posterior_bootstrap"),
               evaluated=True),
    Experiment(id="A4", title="A4 homotopy (Table 2)", rules="decode.smk", tables=("homotopy",),
               claims=paper_a.a4, claims_tables=("homotopy_repeats", "homotopy_paths"), shared_prior=True),
    Experiment(id="A5", title="A5 forward cross entropy (Table 3)", rules="fce.smk", tables=("fce",),
               figures=(Figure(name="fce", table="fce",
                               title="A5 (Prokhorov et al. 2019, Table 3): forward cross entropy against C per "
                                     "decoding scheme, error bars: standard deviation over the seeds' LMs",
                               caption="A5: forward cross entropy per C and decoding scheme (Table 3)"),),
               claims=paper_a.a5, claims_tables=("fce", "fce_lms"), paper_table="fce", shared_prior=True),
    Experiment(id="A6", title="A6 syntactic evaluation (Table 4)", rules="syntax.smk", tables=("syntax",),
               figures=(Figure(name="syntax", table="syntax",
                               title="A6 (Prokhorov et al. 2019, Table 4): p1 (given z+) and p2 (given z-) per "
                                     "Marvin & Linzen category, one panel per model",
                               caption="A6: p1 and p2 per Marvin & Linzen category (Table 4)"),),
               claims=paper_a.a6, claims_tables=("syntax",), paper_table="syntax"),
    Experiment(id="B1", title="B1 training curves (Fig. 2)", rules="train.smk",
               tables=("autogen_training", "autogen_evaluation"),
               figures=(Figure(name="autogen_training", table="autogen_training",
                               title="B1 (Mansbridge et al. 2018, Fig. 2): held-out KL as % of the objective and "
                                     "held-out ELBO against training step, one line per model",
                               caption="B1: KL share and ELBO during training (Mansbridge et al. Fig. 2)"),),
               claims=paper_b.b1, claims_tables=("autogen_training", "autogen_training_bootstrap", "autogen_evaluation",
                                                 "autogen_evaluation_bootstrap"), evaluated=True),
    Experiment(id="B2", title="B2 reconstructions (Table 1)", rules="decode.smk", tables=("autogen_reconstructions",)),
    Experiment(id="B3", title="B3 preference judge (Table 2)", rules="decode.smk", tables=("autogen_preference",),
               claims=paper_b.b3, claims_tables=("autogen_preference",), paper_table="autogen_preference",
               judges="B2"),
    Experiment(id="B4", title="B4 prior samples (Tables 3-4)", rules="decode.smk",
               tables=("autogen_samples", "autogen_judge"), claims=paper_b.b4,
               claims_tables=("autogen_samples_sentences", "autogen_judge"), paper_table="autogen_samples",
               shared_prior=True, reference_lm=True),
    Experiment(id="B5", title="B5 interpolation (Table 5)", rules="decode.smk", tables=("autogen_interpolation",),
               claims=paper_b.b5,
               claims_tables=("autogen_interpolation_repeats", "autogen_interpolation_paths")),
)
EXPERIMENTS = {experiment.id: experiment for experiment in REGISTRY}


def chosen(config: dict, registry=REGISTRY) -> list[Experiment]:
    """The registry's experiments that the config runs, in registry order."""
    return [e for e in registry if e.id in config["experiments"]]


def figures(config: dict, registry=REGISTRY) -> dict[str, tuple[Figure, Experiment]]:
    """{figure name: (figure, its experiment)} of the experiments the config runs."""
    return {f.name: (f, e) for e in chosen(config, registry) for f in e.figures}


def targets(config: dict, results: str, registry=REGISTRY) -> list[str]:
    """The files of the `tables` target that belong to experiments.

    Every table, figure and
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
