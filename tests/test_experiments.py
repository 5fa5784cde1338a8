"""The registry of experiments: every entry points at rules, checks and figures that exist, the
workflow's targets follow it, and the names the config schema allows are the library's."""

import pytest
import yaml
from conftest import REPO, SMOKE

from textvae import claims, decoding, figures
from textvae import config as tvconfig
from textvae.experiments import EXPERIMENTS, REGISTRY, Experiment, Figure, claimed, targets
from textvae.experiments import figures as figures_of

SCHEMA = yaml.safe_load((REPO / "workflow" / "schemas" / "config.schema.yaml").read_text())
RULES = REPO / "workflow" / "rules"


@pytest.mark.parametrize("experiment", REGISTRY, ids=lambda e: e.id)
def test_each_entry_names_its_rule_file_its_claims_and_its_figures(experiment):
    """One step from the entry to its rules: its rule file writes each of its tables (by name,
    or by the name of a wildcard's value) and the table its claims read."""
    text = (RULES / experiment.rules).read_text()
    for table in experiment.tables:
        assert f"tables/{table}." in text or f'"{table}"' in text, (experiment.id, table)
    if experiment.claims:
        assert callable(getattr(claims, experiment.claims))
        assert experiment.claims_table.removesuffix("_repeats") in experiment.tables  # A4, B5: paths tables
        assert not experiment.noisy or "_bootstrap.parquet" in text
    for figure in experiment.figures:
        assert callable(getattr(figures, figure.name)) and figure.table in experiment.tables


def test_the_schema_has_a_key_for_each_experiment():
    assert list(SCHEMA["properties"]["experiments"]["properties"]) == list(EXPERIMENTS)


def test_the_schemas_names_are_the_librarys():
    grid = SCHEMA["$defs"]["grid"]["properties"]
    assert tuple(grid["archs"]["items"]["enum"]) == tvconfig.ARCHS
    assert tuple(grid["objective"]["enum"]) == tvconfig.OBJECTIVES
    scheme = SCHEMA["properties"]["decoding"]["properties"]["schemes"]["additionalProperties"]
    assert set(scheme["properties"]["method"]["enum"]) == set(decoding.METHODS) == set(tvconfig._METHOD_NEEDS)
    precision = SCHEMA["properties"]["defaults"]["properties"]["precision"]["enum"]
    assert tuple(precision) == tvconfig.PRECISIONS


def test_a_toy_experiment_gets_its_targets_figures_and_claims_from_its_entry():
    toy = Experiment("A7", "A7 toy (nowhere)", "toy.smk", ("toy",), (Figure("toy_curve", "toy", "Toy curve"),),
                     claims="a3", claims_table="toy", noisy=True, paper_table="toy")
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
