# Config validation, the cells of every experiment, and the input functions of the rules.
import os
import sys

from snakemake.utils import validate

# the library, importable here and in every job's script even when it is not pip-installed
SRC = os.path.join(workflow.basedir, "src")
sys.path.insert(0, SRC)
_paths = [SRC, *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
os.environ.update(PYTHONPATH=os.pathsep.join(_paths))

from textvae import config as tvconfig  # noqa: E402


validate(config, os.path.join(workflow.basedir, "workflow/schemas/config.schema.yaml"))
try:
    tvconfig.check_config(config)
except tvconfig.ConfigError as err:
    raise WorkflowError(f"bad config: {err}") from None

R = config["results"]
CELLS = tvconfig.all_cells(config)


wildcard_constraints:
    corpus="[A-Za-z0-9_]+",
    model="[a-z]+-[a-z]+(-[Cmb][0-9.]+)?(-anneal)?",


def cells_of(experiment):
    """(corpus, model) cells of an experiment; none if the config leaves it out."""
    if experiment not in config["experiments"]:
        return []
    return tvconfig.experiment_cells(config, experiment)


def experiment_outputs(experiment, paths):
    """`paths` if the config has `experiment`, else nothing."""
    return paths if experiment in config["experiments"] else []


def cell_files(experiment, pattern):
    return [pattern.format(R=R, corpus=c, model=m) for c, m in cells_of(experiment)]


def cell_settings(wildcards):
    return tvconfig.cell_params(config, wildcards.corpus, wildcards.model)


def corpus_settings(wildcards):
    return config["corpora"][wildcards.corpus]


def corpus_inputs(wildcards):
    """The files a real corpus is read from (nothing for a built-in one)."""
    corpus = config["corpora"][wildcards.corpus]
    if "url" in corpus:
        return [f"{R}/downloads/{wildcards.corpus}/{os.path.basename(corpus['url'])}"]
    return [corpus[k] for k in ("train", "valid", "test", "path") if k in corpus]
