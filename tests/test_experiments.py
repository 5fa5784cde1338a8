"""The registry of experiments: one module each, every entry points at rules, claims and figures
that exist, the workflow's targets follow it, and the names the config schema allows are the
library's."""

import re
import shutil
import subprocess
import sys
from dataclasses import fields

import pytest
import yaml
from conftest import REPO, SMOKE

from textvae import figures, model_ids, settings
from textvae.experiments import EXPERIMENTS, REGISTRY, Experiment, Figure, a3, claim_ids, claimed, targets
from textvae.experiments import figures as figures_of

SCHEMA = yaml.safe_load((REPO / "workflow" / "schemas" / "config.schema.yaml").read_text())
RULES = REPO / "workflow" / "rules"


@pytest.mark.parametrize("experiment", REGISTRY, ids=lambda e: e.id)
def test_each_entry_names_its_rule_file_its_claims_and_its_figures(experiment):
    """One step from the entry to its rules: its rule file writes each of its tables (by name,
    or by the name of a wildcard's value) and each table its claims read (A4's and B5's paths
    tables by the suffix of a wildcard's), and its claims rule and claim ids are in its own module."""
    text = (RULES / experiment.rules).read_text()
    paths = experiment.path_table.name if experiment.path_table else None  # written by rule table_paths
    for table in experiment.tables:
        assert f"tables/{table}." in text or (table == paths and "rule table_paths:" in text), (experiment.id, table)
    if experiment.claims:
        assert experiment.claims.__module__ == f"textvae.experiments.{experiment.id.lower()}"
        for table in experiment.claims_tables:
            suffix = table.removeprefix(next(t for t in experiment.tables if table.startswith(t)))
            assert f"tables/{table}." in text or f"tables/{{{{table}}}}{suffix}." in text, (experiment.id, table)
    assert bool(experiment.claims) == bool(experiment.claim_ids)
    assert all(claim.startswith(f"{experiment.id}.") or claim.startswith("implied.") for claim in experiment.claim_ids)
    for figure in experiment.figures:
        assert callable(getattr(figures, figure.name)) and figure.table in experiment.tables


def test_the_schema_has_a_key_for_each_experiment():
    assert list(SCHEMA["properties"]["experiments"]["properties"]) == list(EXPERIMENTS)


def test_the_schemas_names_are_the_librarys():
    grid = SCHEMA["$defs"]["grid"]["properties"]
    assert tuple(grid["archs"]["items"]["enum"]) == settings.ARCHS
    assert tuple(grid["objective"]["enum"]) == settings.OBJECTIVES
    scheme = SCHEMA["properties"]["decoding"]["properties"]["schemes"]["additionalProperties"]
    assert tuple(scheme["properties"]["method"]["enum"]) == tuple(settings.DECODING_METHODS)
    values = SCHEMA["properties"]["defaults"]["properties"]
    assert tuple(values["precision"]["enum"]) == settings.PRECISIONS
    assert tuple(values["lr_schedule"]["enum"]) == settings.LR_SCHEDULES
    assert tuple(values["anneal_schedule"]["enum"]) == settings.ANNEAL_SCHEDULES
    assert tuple(values["batches"]["enum"]) == settings.BATCHES


def test_the_settings_are_the_schemas_values_and_what_a_model_id_names():
    """Each key of the config's `defaults` is a field of Settings (anneal_schedule as `anneal`,
    set for -anneal models only), and the model id gives the others."""
    values = set(SCHEMA["properties"]["defaults"]["properties"])
    named = {f.name for f in fields(model_ids.ModelId)}
    assert {f.name for f in fields(settings.Settings)} == values - {"anneal_schedule"} | named


def test_a_toy_experiment_gets_its_targets_figures_and_claims_from_its_entry():
    toy = Experiment("A7", "A7 toy (nowhere)", "toy.smk", ("toy",), (Figure("toy_curve", "toy", "Toy curve"),),
                     claims=a3.claims, claims_tables=("toy", "toy_bootstrap"), paper_table="toy")
    registry = (*REGISTRY, toy)
    config = {"experiments": {"A1": SMOKE["experiments"]["A1"], "A7": {}}}
    files = targets(config, "out", registry)
    assert {"out/tables/toy.parquet", "out/tables/toy.md", "out/tables/toy_paper.parquet",
            "out/figures/toy_curve.png", "out/figures/toy_curve.pdf"} <= set(files)
    assert "out/tables/rate_distortion.parquet" in files and "out/tables/capacity.parquet" not in files
    assert figures_of(config, registry)["toy_curve"] == (toy.figures[0], toy)
    assert [e.id for e in claimed(config, registry)] == ["A1", "A7"]
    assert toy.paper == "Paper A: Prokhorov et al. 2019 (beta_C-VAE)"
    # and without it in the config, nothing of it
    assert not [f for f in targets({"experiments": {"A1": {}}}, "out", registry) if "toy" in f]


TOY = '''"""A7, a toy: one module is the whole experiment for the registry."""
from textvae.experiments.a3 import claims
from textvae.experiments.base import Experiment

EXPERIMENT = Experiment(id="A7", title="A7 toy", rules="toy.smk", tables=("toy",), claims=claims,
                        claim_ids=("A3.aggregate_kl_larger",), claims_tables=("toy",))
'''


def test_adding_an_experiment_is_one_module(tmp_path):
    """README's recipe: a module src/textvae/experiments/<id>.py with its EXPERIMENT joins the
    registry, its targets and the claims check with no other file changed."""
    shutil.copytree(REPO / "src" / "textvae", tmp_path / "textvae")
    (tmp_path / "textvae" / "experiments" / "a7.py").write_text(TOY)
    probe = ("from textvae.experiments import REGISTRY, claimed, targets; "
             "print([e.id for e in REGISTRY]); print([e.id for e in claimed({'experiments': {'A7': {}}})]); "
             "print(targets({'experiments': {'A7': {}}}, 'out'))")
    run = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True,
                         env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert run.returncode == 0, run.stderr
    ids, claimed_ids, files = run.stdout.splitlines()
    order = [*EXPERIMENTS]
    assert ids == str([*order[:6], "A7", *order[6:]]) and claimed_ids == "['A7']"  # by paper, then number
    assert files == "['out/tables/toy.parquet', 'out/tables/toy.md']"


def test_readme_gives_the_recipe_of_adding_an_experiment():
    """README's recipe names the experiment's module, what it holds and the other places it touches."""
    readme = (REPO / "README.md").read_text()
    recipe = readme[readme.index("## Adding an experiment"):]
    recipe = recipe[:recipe.find("\n## ", 1) if "\n## " in recipe[1:] else None]
    for place in ("src/textvae/experiments/", "EXPERIMENT", "claim_ids", "config.schema.yaml", "workflow/rules/",
                  "src/textvae/experiments/base.py"):
        assert place in recipe, place


def test_docs_name_every_claim_id_the_modules_can_emit():
    """docs/experiments.md names each declared claim id (as `id`)."""
    page = (REPO / "docs" / "experiments.md").read_text()
    assert [claim for claim in claim_ids() if f"`{claim}`" not in page] == []


QUOTED_ID = re.compile(r"([\"'])([A-C]\d)\1")


def test_an_experiment_id_is_written_only_in_its_own_module_and_rule_file():
    """A quoted id ("A4") appears only in its experiment's module and rule file, or in a module
    that declares a reference to it (B3 judges B2's reconstructions)."""
    places = []
    for path in [*(REPO / "src" / "textvae").rglob("*.py"), *RULES.glob("*.smk")]:
        for experiment in {m.group(2) for m in QUOTED_ID.finditer(path.read_text())}:
            entry = EXPERIMENTS[experiment]
            own = {f"{experiment.lower()}.py", entry.rules}
            referring = {f"{e.id.lower()}.py" for e in REGISTRY if e.judges == experiment}
            if path.name not in own | referring:
                places.append((experiment, str(path.relative_to(REPO))))
    assert places == []
