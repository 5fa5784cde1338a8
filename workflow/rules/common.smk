# The config's preparation, the cells of every experiment, and what several rule files share;
# each experiment's own inputs and params are in its rule file.
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

RESULTS = config["results"]  # the results folder
CELLS = tvconfig.all_cells(config)
BOOTSTRAP = config["bootstrap"]  # the params of every rule that draws bootstrap replicates
# from the registry, for the experiments the config runs: {figure: (figure, experiment)},
# {table: experiment} of the tables with the paper's values, the experiments with claims, and
# the cells that are evaluated (and of those, the ones the claims check: its implied checks)
FIGURES = registry.figures(config)
PAPER_TABLES = {e.paper_table: e.id for e in registry.chosen(config) if e.paper_table}
CLAIMED = registry.claimed(config)
EVALUATED = sorted(
    {cell for e in registry.chosen(config) if e.evaluated for cell in tvconfig.experiment_cells(config, e.id)}
)
CLAIMED_EVALUATED = sorted({cell for e in CLAIMED if e.evaluated for cell in tvconfig.experiment_cells(config, e.id)})


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
    """The files of an experiment's cells: `pattern` with {results}, {corpus} and {model} filled."""
    return [pattern.format(results=RESULTS, corpus=c, model=m) for c, m in cells_of(experiment, largest_c)]


def cell_settings(wildcards):
    """A cell's settings as plain values: the params of its training job (textvae.settings)."""
    values = asdict(tvconfig.cell_settings(config, wildcards.corpus, wildcards.model))
    if values["train_fraction"] == 1:  # left out at its default: its arrival retrained no cell
        del values["train_fraction"]
    return values


def card_summary(wildcards):
    """The evaluation summary of an evaluated cell, for its card's metrics (none for the others)."""
    if (wildcards.corpus, wildcards.model) in EVALUATED:
        return dict(summary=f"{RESULTS}/eval/{wildcards.corpus}/{wildcards.model}/summary.parquet")
    return {}


def corpus_entry(wildcards):
    """The corpus's entry of the config, but for its cells' settings (which train, not prepare)."""
    return {k: v for k, v in config["corpora"][wildcards.corpus].items() if k != "settings"}


def corpus_inputs(wildcards):
    """The files a real corpus is read from (nothing for a built-in one)."""
    corpus = config["corpora"][wildcards.corpus]
    if "url" in corpus:
        return [f"{RESULTS}/downloads/{wildcards.corpus}/{os.path.basename(corpus['url'])}"]
    return [f for k in ("train", "valid", "test", "path") for f in tvconfig.corpus_files(corpus, k)]


def judge_inputs(wildcards):
    """B4's judge of a corpus (textvae.judging): the test split, and on a real corpus the
    reference language model, the training split (its unigram) and the valid split (its
    thresholds)."""
    data = f"{RESULTS}/data/{wildcards.corpus}"
    if tvconfig.is_builtin(config, wildcards.corpus):
        return dict(test=f"{data}/test.parquet")
    return dict(
        test=f"{data}/test.parquet",
        train=f"{data}/train.parquet",
        valid=f"{data}/valid.parquet",
        lm=f"{RESULTS}/models/{wildcards.corpus}/{tvconfig.REFERENCE_LM}/model.pt",
    )


# decoding experiments (workflow/rules/decode.smk)
DECODING = config["decoding"]


def experiment_config(experiment):
    """The experiment's block of the config (its grid and keys)."""
    return config["experiments"][experiment]


def declaring(field):
    """The ids of the registry's experiments that declare `field` (textvae.experiments.base)."""
    return [e.id for e in registry.REGISTRY if getattr(e, field)]


def reconstruction(experiment):
    """Rule reconstruct's z, select and seed: the experiment's `reconstruct` declaration."""
    return registry.EXPERIMENTS[experiment].reconstruct(experiment_config(experiment), DECODING)


# {table name: its experiment} of the tables of decoded paths (rule table_paths)
PATH_TABLES = {e.path_table.name: e for e in registry.REGISTRY if e.path_table}


def _read(experiment, key, then, optional):
    keys = experiment_config(experiment)
    value = keys.get(key) if optional else keys[key]
    return then(value) if then else value


def setting(experiment, key, then=None, optional=False):
    """A rule's param: the experiment's `key` (with `optional`, None where the config leaves it
    out), passed through `then` when given, read when a job needs it (a rule of an experiment
    the config leaves out is never run)."""
    return lambda wildcards: _read(experiment, key, then, optional)


def wildcard_setting(key, then=None, optional=False):
    """setting() of the experiment that the job's `experiment` wildcard names."""
    return lambda wildcards: _read(wildcards.experiment, key, then, optional)


def scheme(name):
    """The keyword arguments of textvae.decoding.decode for the named scheme."""
    return tvconfig.scheme(config, name)


def schemes(names):
    """{name: keyword arguments of textvae.decoding.decode} for the named schemes (or one name)."""
    return {name: scheme(name) for name in ([names] if isinstance(names, str) else names)}


def evaluations(experiment):
    """The summaries and bootstrap replicates of an experiment's cells, as named inputs."""
    return dict(
        summaries=cell_files(experiment, "{results}/eval/{corpus}/{model}/summary.parquet"),
        bootstrap=cell_files(experiment, "{results}/eval/{corpus}/{model}/bootstrap.parquet"),
    )


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
