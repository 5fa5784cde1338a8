"""The pipeline's config: the experiments' cells, each cell's settings, and the checks before any job.

A cell is (corpus, model id).  Its settings are what its id names over, lowest first: `defaults`,
its corpus's `settings`, the `patterns` its id matches (later over earlier), its experiments'
`settings` (which must agree), and `cells["{corpus}/{model id}"]` (docs/config.md).
"""

from __future__ import annotations

import fnmatch
import importlib.util
import math
import os

import yaml

from .model_ids import GRID_VALUES, VALUE_KEY, ModelId, ModelIdError, parse, with_seed, without_seed
from .settings import DECODING_METHODS, Settings
from .stats import ALPHA

SCHEMA_PATH = os.path.join(os.path.dirname(__file__), "..", "..", "workflow", "schemas", "config.schema.yaml")

REFERENCE_LM = "lstm-lm"  # B4's judge on a real corpus


class ConfigError(ValueError):
    """A config that cannot be run; the message names the key, the value and what is expected."""


def experiment_models(experiment: dict) -> list[str]:
    """The model ids of an experiment.

    Its `models` list and/or its grid
    (`archs` x `objective` x the values of `C`, `m` or `b`), each once per seed of
    `train_seeds` (suffix -s{seed}) where the experiment gives them."""
    ids = list(experiment.get("models", []))
    if "archs" in experiment:
        objective = experiment.get("objective", "betac")
        key = VALUE_KEY.get(objective)
        values = [{GRID_VALUES[key]: value} for value in experiment.get(key, [])] if key else [{}]
        ids += [ModelId(arch, objective, **value, anneal=bool(experiment.get("anneal"))).format()
                for arch in experiment["archs"] for value in values]
    if "train_seeds" in experiment:
        ids = [with_seed(model, seed) for model in ids for seed in experiment["train_seeds"]]
    return ids


def experiment_cells(config: dict, name: str) -> list[tuple[str, str]]:
    """(corpus, model id) for every cell of experiment `name`.

    In config order (none for B3, which judges B2's reconstructions)."""
    experiment = config["experiments"][name]
    return [(c, m) for c in experiment.get("corpora", []) for m in experiment_models(experiment)]


def is_builtin(config: dict, corpus: str) -> bool:
    """Whether the corpus is sampled from the built-in grammar (which gives exact log p(x))."""
    return "grammar" in config["corpora"][corpus]


def declaring(config: dict, field: str) -> list[str]:
    """The experiments the config runs whose registry entry sets `field` (textvae.experiments)."""
    from .experiments import chosen  # here: the registry imports the claims (scipy), which jobs do without

    return [e.id for e in chosen(config) if getattr(e, field)]


def reference_lm_cells(config: dict) -> list[tuple[str, str]]:
    """The language models that judge samples on real corpora.

    For the experiments that declare `reference_lm` (a built-in corpus is judged by its grammar)."""
    return [(c, REFERENCE_LM) for name in declaring(config, "reference_lm")
            for c in config["experiments"][name]["corpora"] if not is_builtin(config, c)]


def all_cells(config: dict) -> list[tuple[str, str]]:
    """Every cell of every experiment and every reference language model, once, sorted."""
    cells = {cell for name in config["experiments"] for cell in experiment_cells(config, name)}
    return sorted(cells | set(reference_lm_cells(config)))


def lm_settings(config: dict, corpus: str, model_id: str, seed: int, overrides: dict) -> Settings:
    """The settings of a language model (lstm-lm: no z) trained on a cell's decodings.

    The cell's settings (its decoder sizes among them), then `overrides` (the experiment's,
    textvae.experiments.base.Experiment.lm_overrides), with its own `seed`."""
    values = dict(cell_values(config, corpus, model_id))
    values.update(overrides, seed=seed)
    return model_settings(values, "lstm-lm")


def scheme(config: dict, name: str) -> dict:
    """The keyword arguments of `textvae.decoding.decode` for the named scheme."""
    spec = dict(config["decoding"]["schemes"][name])
    if "width" in spec:
        spec["beam_width"] = spec.pop("width")
    return dict(spec, max_len=config["decoding"]["max_len"])


def latent_size(config: dict, experiment: str, corpus: str) -> int:
    """The size of z shared by the experiment's models on `corpus` (they decode the same z)."""
    sizes = {cell_settings(config, corpus, m).z for c, m in experiment_cells(config, experiment)
             if c == corpus}
    if len(sizes) != 1:
        raise ConfigError(f"experiments.{experiment}: the models on corpus {corpus!r} have latent "
                          f"sizes {sorted(sizes)}; they decode the same z, so give them one size")
    return sizes.pop()


def _check_decoding(config: dict) -> None:
    """The checks of the config's decoding schemes and of the experiments that use them.

    Every decoding scheme is complete, every scheme an experiment names is defined, the models a
    judging experiment's pairs name are the judged one's, and the models that decode the same
    z ~ p(z) share one latent size."""
    from .experiments import EXPERIMENTS  # as in declaring()

    schemes = config["decoding"]["schemes"]
    for name, spec in schemes.items():
        for key in DECODING_METHODS[spec["method"]]:
            if key not in spec:
                raise ConfigError(f"decoding.schemes.{name}: method {spec['method']} needs {key!r}")
    for exp, experiment in config["experiments"].items():  # those that decode name their schemes
        for key in ("scheme", "schemes"):
            names = experiment.get(key, [])
            for name in [names] if isinstance(names, str) else names:
                if name not in schemes:
                    raise ConfigError(f"experiments.{exp}.{key}: decoding scheme {name!r} is not "
                                      f"defined under decoding.schemes (defined: {sorted(schemes)})")
    for exp in declaring(config, "judges"):
        judged = EXPERIMENTS[exp].judges
        if judged not in config["experiments"]:
            raise ConfigError(f"experiments.{exp} judges {judged}'s reconstructions; add experiment {judged}")
        models = sorted(set(map(without_seed, experiment_models(config["experiments"][judged]))))
        for pair in config["experiments"][exp]["pairs"]:
            for model in pair:
                if model not in models:
                    raise ConfigError(f"experiments.{exp}.pairs: model {model!r} is not a model of "
                                      f"{judged} (models: {models}; with train_seeds, name them without -s)")
    for exp in declaring(config, "shared_prior"):
        for corpus in config["experiments"][exp]["corpora"]:
            latent_size(config, exp, corpus)


def cell_settings(config: dict, corpus: str, model_id: str) -> Settings:
    """Every setting of a cell: its setting values (cell_values) with what its model id names."""
    return model_settings(cell_values(config, corpus, model_id), model_id)


def cell_values(config: dict, corpus: str, model_id: str) -> dict:
    """The setting values of a cell.

    Keys of the config's `defaults`: the defaults, updated by
    the corpus's `settings`, the `patterns` that its model id matches (in order), by the `settings` of the experiments
    that list the cell (which must agree), then by `cells["{corpus}/{model id}"]`."""
    values = dict(config["defaults"])
    values.update(config["corpora"][corpus].get("settings", {}))
    for pattern, mine in config.get("patterns", {}).items():
        if fnmatch.fnmatchcase(model_id, pattern):
            values.update(mine)
    chosen = None
    for name, experiment in config["experiments"].items():
        if (corpus, model_id) in experiment_cells(config, name):
            mine = experiment.get("settings", {})
            if chosen is not None and chosen[1] != mine:
                raise ConfigError(
                    f"cell {corpus}/{model_id} is in experiments {chosen[0]} and {name} with different "
                    f"settings ({chosen[1]} vs {mine}); set them once under cells: {corpus}/{model_id}"
                )
            chosen = (name, mine)
    if chosen:
        values.update(chosen[1])
    values.update(config.get("cells", {}).get(f"{corpus}/{model_id}", {}))
    return values


def model_settings(values: dict, model_id: str) -> Settings:
    """Settings from setting values and a model id.

    The values have the keys of the config's `defaults`; the model id gives
    arch, objective, C, m and beta; `anneal` is the values' anneal_schedule for an -anneal model
    and None otherwise; an id's -s{seed} overrides the seed; a language model (lm) has z = 0."""
    model = parse(model_id)
    values = dict(values)
    schedule = values.pop("anneal_schedule")
    values.update(arch=model.arch, objective=model.objective, C=model.C, m=model.m, beta=model.beta,
                  anneal=schedule if model.anneal else None)
    if model.seed is not None:
        values["seed"] = model.seed
    if model.objective == "lm":
        values["z"] = 0
    return Settings(**values)


def paper_settings(model_id: str, **changes) -> Settings:
    """The papers' settings of a model, with changes, for runs outside the workflow.

    The settings of `model_id` under the schema's `defaults` (the papers' settings, as the
    authors' code has them), with `changes` to their values: for benchmarks and studies."""
    defaults = read_schema()["properties"]["defaults"]["default"]
    return model_settings({**defaults, **changes}, model_id)


def read_schema() -> dict:
    """The pipeline's config schema (workflow/schemas/config.schema.yaml beside this checkout).

    Parsed by libyaml where PyYAML has it: the pure-Python parser took 0.2 s, in every job that loads a cell."""
    with open(SCHEMA_PATH) as f:
        return yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def fill_defaults(config: dict, schema: dict) -> None:
    """The schema's defaults filled in for the missing keys of whole-object config blocks.

    Key by key, in every top-level block whose schema gives a whole-object `default`
    (defaults, evaluation, bootstrap, decoding): a config that names some of a block's keys gets the
    schema's values for the others.  (JSON-schema defaults fill a block only when it is absent.)"""
    for key, spec in schema["properties"].items():
        if isinstance(spec.get("default"), dict) and isinstance(config.get(key), dict):
            config[key] = {**spec["default"], **config[key]}


def prepare(config: dict, files: bool = True) -> dict:
    """`config` checked and completed in place, as every snakemake run reads it.

The JSON schema (ConfigError naming the key), Snakemake's `validate` (the schema's defaults),
fill_defaults, then check_config (with `files`, that the corpus files exist)."""
    from snakemake.utils import validate  # not at import: jobs that read a config do without it

    drop_switched_off(config)
    schema = read_schema()
    problem = schema_error(config, schema)
    if problem:
        raise ConfigError(problem)
    validate(config, SCHEMA_PATH)
    fill_defaults(config, schema)
    check_config(config, files=files)
    return config


def drop_switched_off(config: dict) -> None:
    """Remove the experiments whose entry is null.

A later --configfile runs part of a config this way: Snakemake merges configs key by key, so a
key cannot be removed otherwise."""
    experiments = config.get("experiments")
    if isinstance(experiments, dict):
        for name in [n for n, entry in experiments.items() if entry is None]:
            del experiments[name]


def schema_error(config: dict, schema: dict) -> str | None:
    """The config's most relevant violation of the JSON schema, as one line.

    The line names the key, the value and what is expected (e.g. "defaults.lr: 'fast' is not
    of type 'number'"), or None."""
    import jsonschema

    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema).iter_errors(config))
    if error is None:
        return None
    where = ".".join(str(p) for p in error.absolute_path) or "the config's top level"
    return f"{where}: {error.message}"


def _parsed(experiment: str, model_id: str) -> ModelId:
    """The model id of an experiment, parsed; a bad one is a ConfigError naming the experiment."""
    try:
        return parse(model_id)
    except ModelIdError as err:
        raise ConfigError(f"experiments.{experiment}: {err}") from None


def check_config(config: dict, files: bool = True) -> None:
    """The checks of the config beyond the JSON schema.

    Every name that must refer to something does, every
    model id parses, every grid is non-empty; with `files`, every corpus file and pairs folder
    exists."""
    corpora = config["corpora"]
    for name, experiment in config["experiments"].items():
        if "corpora" not in experiment:
            continue  # no cells of its own (the schema's grids require corpora; B3 judges B2's)
        for corpus in experiment["corpora"]:
            if corpus not in corpora:
                raise ConfigError(f"experiments.{name}.corpora: corpus {corpus!r} is not defined "
                                  f"under corpora (defined: {sorted(corpora)})")
        models = experiment_models(experiment)
        if not models or not experiment["corpora"]:
            raise ConfigError(f"experiments.{name}: the grid is empty; give corpora and "
                              "models (or archs with objective and its values)")
        for model_id in experiment.get("models", []):
            if "train_seeds" in experiment and _parsed(name, model_id).seed is not None:
                raise ConfigError(f"experiments.{name}.models: {model_id!r} names a seed and the "
                                  "experiment gives train_seeds; name the model without -s<seed>")
        for model_id in models:
            _parsed(name, model_id)
    for cell in config.get("cells", {}):
        corpus, _, model_id = cell.partition("/")
        if corpus not in corpora:
            raise ConfigError(f"cells.{cell}: corpus {corpus!r} is not defined under corpora "
                              f"(defined: {sorted(corpora)})")
        if (corpus, model_id) not in all_cells(config):
            raise ConfigError(f"cells.{cell}: no experiment has this cell; expected corpus/model id "
                              "of a cell listed by an experiment")
    models = sorted({model_id for _, model_id in all_cells(config)})
    for pattern in config.get("patterns", {}):
        if not any(fnmatch.fnmatchcase(model_id, pattern) for model_id in models):
            raise ConfigError(f"patterns.{pattern}: matches no model id of the config's cells; expected a "
                              f"pattern such as cnn-* or *-betac-* (model ids: {', '.join(models)})")
    if files:
        _check_files(config)
    for cell in all_cells(config):
        cell_settings(config, *cell)  # refuses a cell whose experiments disagree on its settings
    _check_decoding(config)
    _check_bootstrap(config)
    if config.get("tensorboard") and importlib.util.find_spec("tensorboard") is None:
        raise ConfigError("tensorboard: true needs the tensorboard package; pip install -e '.[tensorboard]' "
                          "or set tensorboard: false")


def _check_bootstrap(config: dict) -> None:
    """Enough bootstrap replicates for a check over every claimed cell of a corpus to decide.

    A bootstrap p-value is at least 2 / (B + 1), and a check over k cells fails one beyond
    ALPHA / k (Bonferroni), so B must be at least 2 k / ALPHA."""
    replicates = config.get("bootstrap", {}).get("replicates")
    per_corpus: dict[str, int] = {}
    claimed = {cell for name in declaring(config, "claims") for cell in experiment_cells(config, name)}
    for corpus, _ in sorted(claimed):
        per_corpus[corpus] = per_corpus.get(corpus, 0) + 1
    if replicates is None or not per_corpus:
        return
    corpus, cells = max(per_corpus.items(), key=lambda item: item[1])
    needed = math.ceil(2 * cells / ALPHA)
    if replicates < needed:
        raise ConfigError(f"bootstrap.replicates: {replicates} give p-values of at least 2 / {replicates + 1}, too "
                          f"coarse for a check over the {cells} cells of corpus {corpus!r} to fail at "
                          f"{100 * ALPHA:g} % (Bonferroni); expected at least {needed}")


def _check_files(config: dict) -> None:
    """Every corpus file and the Marvin & Linzen folder the config names exist."""
    for name, experiment in config["experiments"].items():  # pairs given as a folder (A6's)
        pairs = experiment.get("pairs")
        if isinstance(pairs, str) and pairs != "builtin" and not os.path.isdir(pairs):
            raise ConfigError(f"experiments.{name}.pairs: folder {pairs!r} does not exist; expected "
                              "builtin or a folder of Marvin & Linzen *.pickle files")
    for name, corpus in config["corpora"].items():
        for split in ("path", "train", "valid", "test"):
            for path in corpus_files(corpus, split):
                if not os.path.exists(path):
                    raise ConfigError(f"corpora.{name}.{split}: file {path!r} does not exist")


def corpus_files(corpus: dict, key: str) -> list[str]:
    """The files a corpus entry names under `key` (train, valid, test or path: one or a list)."""
    files = corpus.get(key, [])
    return [files] if isinstance(files, str) else list(files)
