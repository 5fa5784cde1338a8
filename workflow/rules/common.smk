# Config validation, the cells of every experiment, and the input functions of the rules.
import glob
import os
import sys
from dataclasses import asdict

# the library, importable here and in every job's script even when it is not pip-installed
SRC = os.path.join(workflow.basedir, "src")
sys.path.insert(0, SRC)
_paths = [SRC, *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
os.environ.update(PYTHONPATH=os.pathsep.join(_paths))

from textvae import config as tvconfig  # noqa: E402
from textvae import experiments as registry  # noqa: E402
from textvae import model_ids  # noqa: E402
from textvae import paper  # noqa: E402

try:
    tvconfig.prepare(config)
except tvconfig.ConfigError as err:
    raise WorkflowError(f"bad config: {err}") from None

R = config["results"]
CELLS = tvconfig.all_cells(config)
BOOTSTRAP = config["bootstrap"]  # the params of every rule that draws bootstrap replicates
# from the registry, for the experiments the config runs: {figure: (figure, experiment)},
# {table: experiment} of the tables with the paper's values, the experiments with claims, and
# the cells that are evaluated
FIGURES = registry.figures(config)
PAPER_TABLES = {e.paper_table: e.id for e in registry.chosen(config) if e.paper_table}
CLAIMED = registry.claimed(config)
EVALUATED = sorted(
    {cell for e in registry.chosen(config) if e.evaluated for cell in tvconfig.experiment_cells(config, e.id)}
)


wildcard_constraints:
    corpus="[A-Za-z0-9_]+",
    model=model_ids.WILDCARD,


def cells_of(experiment, largest_c=False):
    """(corpus, model) cells of an experiment (with `largest_c`, those at its largest C only);
    none if the config leaves it out."""
    if experiment not in config["experiments"]:
        return []
    cells = tvconfig.experiment_cells(config, experiment)
    if largest_c:
        top = max(config["experiments"][experiment]["C"])
        cells = [(c, m) for c, m in cells if model_ids.parse(m).C == top]
    return cells


def cell_files(experiment, pattern, largest_c=False):
    return [pattern.format(R=R, corpus=c, model=m) for c, m in cells_of(experiment, largest_c)]


def cell_settings(wildcards):
    """A cell's settings as plain values: the params of its training job (textvae.settings)."""
    return asdict(tvconfig.cell_settings(config, wildcards.corpus, wildcards.model))


def fce_lm_settings(wildcards):
    """The settings of one of A5's language models, as plain values."""
    return asdict(tvconfig.fce_lm_settings(config, wildcards.corpus, wildcards.model, int(wildcards.seed)))


def card_summary(wildcards):
    """The evaluation summary of an evaluated cell, for its card's metrics (none for the others)."""
    if (wildcards.corpus, wildcards.model) in EVALUATED:
        return dict(summary=f"{R}/eval/{wildcards.corpus}/{wildcards.model}/summary.parquet")
    return {}


def corpus_entry(wildcards):
    return config["corpora"][wildcards.corpus]


def corpus_inputs(wildcards):
    """The files a real corpus is read from (nothing for a built-in one)."""
    corpus = config["corpora"][wildcards.corpus]
    if "url" in corpus:
        return [f"{R}/downloads/{wildcards.corpus}/{os.path.basename(corpus['url'])}"]
    return [corpus[k] for k in ("train", "valid", "test", "path") if k in corpus]


# decoding experiments (workflow/rules/decode.smk)
DECODING = config["decoding"]


def experiment_config(experiment):
    """The experiment's block of the config (its grid and keys)."""
    return config["experiments"][experiment]


def setting(experiment, key, then=None, optional=False):
    """A rule's param: the experiment's `key` (with `optional`, None where the config leaves it
    out), passed through `then` when given, read when a job needs it (a rule of an experiment
    the config leaves out is never run).  `experiment` "{experiment}": the job's wildcard."""

    def param(wildcards):
        name = wildcards.experiment if experiment == "{experiment}" else experiment
        keys = experiment_config(name)
        value = keys.get(key) if optional else keys[key]
        return then(value) if then else value

    return param


def scheme(name):
    """The keyword arguments of textvae.decoding.decode for the named scheme."""
    return tvconfig.scheme(config, name)


def schemes(names):
    """{name: keyword arguments of textvae.decoding.decode} for the named schemes (or one name)."""
    return {name: scheme(name) for name in ([names] if isinstance(names, str) else names)}


# how each experiment reconstructs: z from the posterior mean or a sample, which test sentences
def reconstruction_params(wildcards):
    experiment = experiment_config(wildcards.experiment)
    if wildcards.experiment == "A2":
        return dict(z="mean", select=None, seed=DECODING["seed"])
    select = {"n": experiment["sentences"], "min_len": experiment["min_len"], "max_len": experiment["max_len"]}
    return dict(z="sample", select=select, seed=experiment["seed"])


def prior_size(experiment):
    keys = experiment_config(experiment)
    return 2 * keys["paths"] if experiment == "A4" else keys["samples"]


def evaluations(experiment):
    """The summaries and bootstrap replicates of an experiment's cells, as named inputs."""
    return dict(
        summaries=cell_files(experiment, "{R}/eval/{corpus}/{model}/summary.parquet"),
        bootstrap=cell_files(experiment, "{R}/eval/{corpus}/{model}/bootstrap.parquet"),
    )


def judge_inputs(wildcards):
    """B4's judge: the test split, and on a real corpus the reference language model."""
    test = dict(test=f"{R}/data/{wildcards.corpus}/test.parquet")
    if tvconfig.is_builtin(config, wildcards.corpus):
        return test
    return dict(lm=f"{R}/models/{wildcards.corpus}/{tvconfig.REFERENCE_LM}/model.pt", **test)


def preference_inputs(wildcards):
    """B2's reconstructions by the models that B3's pairs name (every training seed's)."""
    models = {m for pair in config["experiments"]["B3"]["pairs"] for m in pair}
    return [
        path
        for (corpus, model), path in zip(
            cells_of("B2"), cell_files("B2", "{R}/decode/{corpus}/{model}/reconstructions_B2.parquet")
        )
        if model_ids.without_seed(model) in models
    ]


def syntax_pair_files(wildcards):
    """The Marvin & Linzen pickles A6 reads (none for the built-in pairs)."""
    source = config["experiments"]["A6"]["pairs"]
    return [] if source == "builtin" else sorted(glob.glob(os.path.join(source, "*.pickle")))


# A5 (workflow/rules/fce.smk): synthetic corpora per cell, scheme and seed; the LMs of one
# scheme share a vocabulary, the words common to that scheme's corpora over every C and seed
def fce_synthetic(corpus, model, names=None):
    """The synthetic corpora of a cell (of the schemes `names`, default all), one per scheme
    and seed."""
    a5 = config["experiments"].get("A5", {"schemes": [], "seeds": []})
    return [
        f"{R}/fce/{corpus}/{model}/synthetic/{scheme}_seed{seed}.parquet"
        for scheme in (names or a5["schemes"])
        for seed in a5["seeds"]
    ]


def fce_vocab_inputs(wildcards):
    """Every synthetic corpus of the scheme on the corpus: every model (C) and seed."""
    return [
        path
        for c, model in cells_of("A5")
        if c == wildcards.corpus
        for path in fce_synthetic(c, model, [wildcards.scheme])
    ]


def fce_runs():
    """(corpus, model, scheme, seed) of every A5 language model."""
    a5 = config.get("experiments", {}).get("A5")
    if a5 is None:
        return []
    return [(c, m, s, seed) for c, m in cells_of("A5") for s in a5["schemes"] for seed in a5["seeds"]]


def fce_vocab_groups():
    """(corpus, scheme) of every shared LM vocabulary of A5."""
    a5 = config["experiments"].get("A5")
    return [(c, s) for c in a5["corpora"] for s in a5["schemes"]] if a5 else []


# the Snakemake report (snakemake --report): category, subcategory and labels of each item
def report_item(experiment, name):
    """report() arguments of a table or figure of an experiment ("all": of the whole run)."""
    entry = registry.EXPERIMENTS.get(experiment)
    keys = config["experiments"].get(experiment, {})
    cells = tvconfig.experiment_cells(config, experiment) if "corpora" in keys else tvconfig.all_cells(config)
    models = list(dict.fromkeys(m for _, m in cells))
    shown = ", ".join(models) if len(models) <= 4 else f"{len(models)} models, {models[0]} ... {models[-1]}"
    return dict(
        caption="../report/item.rst",
        category=entry.paper if entry else registry.WHOLE_RUN,
        subcategory=entry.title if entry else "claims and runs",
        labels={"item": name, "corpus": ", ".join(dict.fromkeys(c for c, _ in cells)), "model": shown},
    )


def report_by_wildcard(experiment_of, name_of):
    """report() arguments for a rule whose item is named by a wildcard."""
    return {
        key: (lambda w, key=key: report_item(experiment_of(w), name_of(w))[key])
        for key in ("category", "subcategory", "labels")
    } | {"caption": "../report/item.rst"}
