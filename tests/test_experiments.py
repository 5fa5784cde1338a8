"""The registry of experiments: every entry points at rules, checks and figures that exist, the
workflow's targets follow it, and the names the config schema allows are the library's."""

from dataclasses import fields

import pytest
import yaml
from conftest import REPO, SMOKE

from textvae import figures, model_ids, settings
from textvae.claims import paper_a, paper_b
from textvae.experiments import EXPERIMENTS, REGISTRY, Experiment, Figure, claimed, targets
from textvae.experiments import figures as figures_of

SCHEMA = yaml.safe_load((REPO / "workflow" / "schemas" / "config.schema.yaml").read_text())
RULES = REPO / "workflow" / "rules"


@pytest.mark.parametrize("experiment", REGISTRY, ids=lambda e: e.id)
def test_each_entry_names_its_rule_file_its_claims_and_its_figures(experiment):
    """One step from the entry to its rules: its rule file writes each of its tables (by name,
    or by the name of a wildcard's value) and each table its claims read (A4's and B5's paths
    tables by the suffix of a wildcard's), and its claims rule is a function of its paper's
    module of textvae.claims."""
    text = (RULES / experiment.rules).read_text()
    for table in experiment.tables:
        assert f"tables/{table}." in text or f'"{table}"' in text, (experiment.id, table)
    if experiment.claims:
        module = {"A": paper_a, "B": paper_b}[experiment.id[0]]
        assert getattr(module, experiment.claims.__name__) is experiment.claims
        for table in experiment.claims_tables:
            suffix = table.removeprefix(next(t for t in experiment.tables if table.startswith(t)))
            assert f"tables/{table}." in text or f"tables/{{{{table}}}}{suffix}." in text, (experiment.id, table)
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
                     claims=paper_a.a3, claims_tables=("toy", "toy_bootstrap"), paper_table="toy")
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


def test_readme_lists_every_step_and_field_of_adding_an_experiment():
    """README's steps name each file an experiment needs and every field of its registry entry."""
    readme = (REPO / "README.md").read_text()
    steps = readme[readme.index("To add an experiment (say A7):"):readme.index("checks each).")]
    for place in ("workflow/rules/", "include:", "workflow/scripts/", "src/textvae/claims/", "config.schema.yaml",
                  "REGISTRY", "src/textvae/paper.py", "localrule: True"):
        assert place in steps, place
    for field in fields(Experiment):
        assert f"`{field.name}`" in steps, field.name
