"""The smoke config end to end through the snakemake command, in a temporary folder."""

import re
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import REPO, SMOKE, assert_same_tables, snakemake, why_no_slurm
from plan_paper import stub_corpora  # noqa: E402

from textvae import config as tvconfig
from textvae.experiments import claim_ids, claim_pattern


def job_blocks(output: str) -> list[tuple[str, str]]:
    """(rule, the lines snakemake printed about the job) of every job in a run's output."""
    blocks = []
    for block in re.split(r"\n(?=(?:local)?rule \w+:)", output):
        rule = re.match(r"(?:local)?rule (\w+):", block.strip())
        if rule:
            blocks.append((rule.group(1), block))
    return blocks


def planned_jobs(output: str) -> list[tuple[str, str]]:
    """(rule, wildcards) of every job in a dry run's output."""
    jobs = []
    for rule, block in job_blocks(output):
        wildcards = re.search(r"wildcards: (.*)", block)
        jobs.append((rule, wildcards.group(1) if wildcards else ""))
    return jobs


def test_the_report_builds(smoke_run):
    run = snakemake(smoke_run, "--report", str(smoke_run / "report.html"))
    assert run.returncode == 0, run.stderr[-3000:]
    html = (smoke_run / "report.html").read_text()
    assert "Paper A: Prokhorov et al. 2019" in html and "rate_distortion.png" in html


def test_smoke_tables_and_figures(smoke_run):
    tables = smoke_run / "results" / "tables"
    rd = pd.read_parquet(tables / "rate_distortion.parquet")
    a1 = SMOKE["experiments"]["A1"]
    expected = {(c, a, float(C)) for c in a1["corpora"] for a in a1["archs"] for C in a1["C"]}
    assert set(zip(rd["corpus"], rd["arch"], rd["C"])) == expected and len(rd) == len(expected)
    assert rd["bound_ok"].all() and (rd["distortion"] + rd["rate"] >= rd["entropy"]).all()
    assert rd["entropy"].notna().all()
    ap = pd.read_parquet(tables / "aggregate_posterior.parquet")
    assert list(ap["model"]) == ["gru-betac-C3", "gru-betac-C10"]
    b1 = pd.read_parquet(tables / "autogen_training.parquet")
    assert set(b1["model"]) == set(SMOKE["experiments"]["B1"]["models"])
    for name in ("rate_distortion", "logdetcov", "autogen_training", "capacity", "fce", "syntax", "choose_c"):
        for ext in ("png", "pdf"):
            assert (smoke_run / "results" / "figures" / f"{name}.{ext}").stat().st_size > 1000
    for name in ("rate_distortion", "aggregate_posterior", "autogen_training", "autogen_evaluation", "capacity",
                 "homotopy",
                 "autogen_reconstructions", "autogen_preference", "autogen_samples", "autogen_judge",
                 "autogen_interpolation", "syntax", "fce", "claims", "runs", "capacity_paper", "fce_paper",
        "syntax_paper", "autogen_preference_paper", "autogen_samples_paper", "choose_c", "choose_c_pick"):
        assert (tables / f"{name}.md").read_text().startswith("# ")
    # C1: every C of its ladder (one run each), and one pick on the ladder
    c1 = SMOKE["experiments"]["C1"]
    runs = pd.read_parquet(tables / "choose_c_runs.parquet")
    assert list(zip(runs["C"], runs["seed"])) == [(float(C), 1) for C in c1["C"]]
    pick = pd.read_parquet(tables / "choose_c_pick.parquet").iloc[0]
    assert pick["pick"] in c1["C"] and pick["lo"] == pick["hi"] == pick["pick"] and pick["seeds"] == 1
    # the decoding experiments: every model and scheme of the config
    a2 = pd.read_parquet(tables / "capacity.parquet")
    assert sorted(set(a2["C"])) == [3.0, 10.0]
    assert set(a2["bucket"]) == {"<=10", "11-20", "21-30", "all"}
    assert (a2[a2["bucket"] == "all"]["n_sentences"] == SMOKE["corpora"]["short"]["sizes"]["test"]).all()
    a4 = pd.read_parquet(tables / "homotopy.parquet")
    assert set(a4["scheme"]) == set(SMOKE["experiments"]["A4"]["schemes"])
    assert len(a4) == 2 * 2 * 3 * 7 * 10  # corpora x models x schemes x points x paths
    assert not a4[a4["point"] == 0]["repeats_previous"].any()
    counts = pd.read_parquet(tables / "homotopy_repeats.parquet")
    assert counts["repeats"].sum() == a4["repeats_previous"].sum() and len(counts) == 12
    b_models = set(SMOKE["experiments"]["B2"]["models"])
    b2 = pd.read_parquet(tables / "autogen_reconstructions.parquet")
    assert b_models <= set(b2.columns) and len(b2) == 10
    assert b2["source"].str.split().str.len().between(4, 20).all()
    b3 = pd.read_parquet(tables / "autogen_preference.parquet")
    assert (b3["wins"] + b3["losses"] + b3["ties"] == 10).all() and len(b3) == 3
    b4 = pd.read_parquet(tables / "autogen_samples.parquet")
    assert set(b4["model"]) == b_models and (b4[b4["group"] == "all"]["samples"] == 10).all()
    # the claims of every experiment, each with its test and interval; the headline counts each
    # claim once (A6's categories are its detail); the family under the false discovery control
    claims = pd.read_parquet(tables / "claims.parquet")
    assert set(claims["experiment"]) == {"A1", "A2", "A3", "A4", "A5", "A6", "B1", "B3", "B4", "B5", "implied"}
    assert {"test", "estimate", "lo", "hi", "p_value", "reason", "p_fdr", "outcome_fdr", "parent"} <= set(claims)
    assert claims["holds"].dtype == bool and set(claims["outcome"]) <= {"holds", "fails", "undecided"}
    assert (claims["outcome"].eq("undecided") == claims["reason"].ne("")).all()
    head = claims[claims["parent"] == ""]
    counts = ", ".join(f"{(head['outcome'] == o).sum()} {o}" for o in ("holds", "fails", "undecided"))
    summary = (tables / "claims_summary.txt").read_text()
    assert summary.startswith(f"claims: {len(head)}: {counts}") and "Benjamini-Hochberg" in summary
    assert claims["claim"].str.startswith("A6.large_C_p2_far_below[").sum() >= 2
    declared = [claim_pattern(claim) for claim in claim_ids()]
    assert all(any(p.fullmatch(claim) for p in declared) for claim in claims["claim"])  # each one its module lists
    assert all(isinstance(cells, np.ndarray) for cells in claims["cells"])  # a list per row, not joined text
    assert "B1.m1_kl_share_exceeds_vae_anneal" in set(claims["claim"])
    a1 = claims[claims["claim"] == "A1.distortion_falls"]
    assert a1["test"].str.startswith("paired bootstrap over test sentences").all()
    assert (a1["lo"] <= a1["estimate"]).all() and (a1["estimate"] <= a1["hi"]).all()
    decided = claims[claims["outcome"] != "undecided"]
    assert decided["p_value"].notna().all() and decided["p_fdr"].notna().all()  # each in the family
    assert (claims["p_value"].dropna() > 0).all() and claims["unit"].ne("").all() and "n_units" in claims
    assert (decided["n_units"] > 0).all()
    assert claims.loc[claims["experiment"].isin(["A4", "B5"]) & claims["outcome"].ne("undecided"),
                      "test"].str.startswith("exact sign-flip").all()
    assert not claims.duplicated(["claim", "corpus", "statement"]).any()
    for name in ("rate_distortion", "capacity", "autogen_evaluation", "autogen_training"):
        assert pd.read_parquet(tables / f"{name}_bootstrap.parquet")["replicate"].nunique() >= 20
    assert pd.read_parquet(tables / "homotopy_paths.parquet")["path"].nunique() == 10
    runs = pd.read_parquet(tables / "runs.parquet")
    assert len(runs) == len(set(map(tuple, runs[["corpus", "model"]].values))) == 16  # smoke cells
    assert {"lr", "batch_size", "C", "train_seconds", "device", "commit", "final_elbo"} <= set(runs.columns)
    assert runs["device"].eq("cpu").all()
    a5 = pd.read_parquet(tables / "fce.parquet")
    runs = a5[a5["model"] != "real test set"]
    assert len(runs) == 2 * 2 and (runs["lms"] == 2).all() and runs["fce_std"].notna().all()
    assert set(runs["scheme"]) == {"greedy", "nucleus0.9"} and (runs["fce"] > 0).all()
    # one vocabulary per scheme, each with the real test set's % unk under it
    reference = a5[a5["model"] == "real test set"].set_index("scheme")
    assert sorted(reference.index) == ["greedy", "nucleus0.9"]
    assert (runs["test_pct_unk"] == runs["scheme"].map(reference["pct_unk"])).all()
    assert (runs["vocab_size"] == runs["scheme"].map(reference["vocab_size"])).all()
    assert runs["entropy"].notna().all()  # a built-in corpus: H is known
    a6 = pd.read_parquet(tables / "syntax.parquet")
    assert set(a6["model"]) == {"lstm-betac-C3", "lstm-betac-C10"} and len(a6) == 2 * (15 + 1)
    assert a6[a6["category"] == "all"]["n_pairs"].eq(3 * 66).all()  # 66 built-in sub-cases
    assert a6[["p1", "p2", "p1_bar", "p2_bar"]].apply(lambda c: c.between(0, 1)).all().all()
    b5 = pd.read_parquet(tables / "autogen_interpolation.parquet")
    assert set(b5["model"]) == b_models and len(b5) == 4 * 10 * 10  # models x paths x points
    assert "Nothing to be done" in snakemake(smoke_run, "-n", "tables").stdout


def test_changing_one_cell_reruns_only_that_cell_and_what_depends_on_it(smoke_run):
    config = yaml.safe_load(yaml.safe_dump(SMOKE))
    config["cells"] = {"short/lstm-betac-C3": {"lr": 0.001}}
    run = snakemake(smoke_run, "-n", "tables", config=config)
    assert run.returncode == 0, run.stderr[-3000:]
    assert sorted(planned_jobs(run.stdout)) == sorted([
        ("train", "corpus=short, model=lstm-betac-C3"),
        ("evaluate", "corpus=short, model=lstm-betac-C3"),
        ("model_card", "corpus=short, model=lstm-betac-C3"),
        ("table_rate_distortion", ""),
        ("reconstruct", "corpus=short, model=lstm-betac-C3, experiment=A2"),
        ("table_capacity", ""),
        ("homotopy", "corpus=short, model=lstm-betac-C3"),
        ("table_paths", "table=homotopy"),
        ("syntax_scores", "corpus=short, model=lstm-betac-C3"),
        ("table_syntax", ""),
        # A5: its synthetic corpora change the vocabulary every LM of the corpus shares
        ("fce_generate", "corpus=short, model=lstm-betac-C3"),
        ("fce_vocab", "corpus=short, scheme=greedy"),
        ("fce_vocab", "corpus=short, scheme=nucleus0.9"),
        *[("fce_lm", f"corpus=short, model={m}, scheme={s}, seed={seed}")
          for m in ("lstm-betac-C3", "lstm-betac-C10") for s in ("greedy", "nucleus0.9") for seed in (1, 2)],
        ("table_fce", ""),
        ("choose_c_samples", "corpus=short, model=lstm-betac-C3"),  # C1's run on this cell
        ("table_choose_c", ""),
        ("figure", "figure=choose_c"),
        ("figure", "figure=capacity"),
        ("figure", "figure=fce"),
        ("figure", "figure=syntax"),
        ("table_runs", ""),
        ("table_claims", ""),
        ("figure", "figure=rate_distortion"),
        ("figure", "figure=logdetcov"),
        ("effective_config", ""),
        ("tables", ""),
    ])


def test_editing_a_table_script_reruns_only_that_tables_rule(smoke_run, tmp_path):
    """The workflow copied, then one table-assembly script edited: its rule alone reruns (the
    runs table feeds no other table)."""
    code = tmp_path / "code"
    for folder in ("workflow", "envs"):
        shutil.copytree(REPO / folder, code / folder)
    shutil.copy(REPO / "Snakefile", code / "Snakefile")
    (code / "src").symlink_to(REPO / "src")
    unchanged = snakemake(smoke_run, "-n", "tables", snakefile=code / "Snakefile")
    assert "Nothing to be done" in unchanged.stdout, unchanged.stdout[-2000:]
    script = code / "workflow" / "scripts" / "runs_table.py"
    script.write_text(script.read_text().replace("def main(smk):", "def main(smk):  # edited", 1))
    edited = snakemake(smoke_run, "-n", "tables", snakefile=code / "Snakefile")
    assert edited.returncode == 0, edited.stderr[-3000:]
    assert sorted(planned_jobs(edited.stdout)) == [("table_runs", ""), ("tables", "")]


def test_asking_for_tensorboard_files_retrains_nothing(smoke_run):
    config = dict(yaml.safe_load(yaml.safe_dump(SMOKE)), tensorboard=True)
    run = snakemake(smoke_run, "-n", "tables", config=config)
    assert run.returncode == 0, run.stderr[-3000:]
    assert sorted(planned_jobs(run.stdout)) == [("effective_config", ""), ("tables", "")]


def test_changing_an_experiments_settings_reruns_its_cells_only(smoke_run):
    config = yaml.safe_load(yaml.safe_dump(SMOKE))
    config["experiments"]["B1"]["settings"]["word_dropout"] = 0.5
    run = snakemake(smoke_run, "-n", "tables", config=config)
    jobs = planned_jobs(run.stdout)
    assert sorted(w for r, w in jobs if r == "train") == [
        f"corpus=short, model={m}" for m in sorted(SMOKE["experiments"]["B1"]["models"])]
    assert {r for r, _ in jobs} == {
        "train", "evaluate", "model_card", "table_autogen_training", "table_autogen_evaluation", "figure",
        "tables", "reconstruct", "prior_samples",
        "interpolate", "table_autogen_reconstructions", "table_autogen_preference",
        "table_autogen_samples", "table_paths", "table_runs", "table_claims", "effective_config"}


def test_a_patterns_settings_retrain_the_cells_it_matches_only(smoke_run):
    """`patterns` reach the train jobs as their settings: a learning rate for cnn-* retrains the
    cnn cells and no other."""
    config = yaml.safe_load(yaml.safe_dump(SMOKE))
    config["patterns"] = {"cnn-*": {"lr": 0.0001}}
    jobs = planned_jobs(snakemake(smoke_run, "-n", "tables", config=config).stdout)
    cnn = sorted(f"corpus={c}, model={m}" for c, m in tvconfig.all_cells(SMOKE) if m.startswith("cnn-"))
    assert cnn and sorted(w for r, w in jobs if r == "train") == cnn


def test_changing_the_anneal_schedule_retrains_the_annealed_cells_only(smoke_run):
    """anneal_schedule is a setting of the -anneal models alone (Settings.anneal), so the others
    keep their models."""
    config = yaml.safe_load(yaml.safe_dump(SMOKE))
    config["defaults"]["anneal_schedule"] = "sigmoid"
    jobs = planned_jobs(snakemake(smoke_run, "-n", "tables", config=config).stdout)
    annealed = sorted(f"corpus={c}, model={m}" for c, m in tvconfig.all_cells(SMOKE) if m.endswith("-anneal"))
    assert annealed and sorted(w for r, w in jobs if r == "train") == annealed
    assert not [r for r, _ in jobs if r == "fce_lm"]


def test_bad_config_is_refused_before_any_job(tmp_path):
    config = yaml.safe_load(yaml.safe_dump(SMOKE))
    config["defaults"]["learning_rate"] = 0.1
    run = snakemake(tmp_path, "tables", config=config)
    assert run.returncode != 0 and "learning_rate" in run.stderr
    config = yaml.safe_load(yaml.safe_dump(SMOKE))
    config["experiments"]["A1"]["corpora"] = ["short", "yelp"]
    run = snakemake(tmp_path, "tables", config=config)
    assert run.returncode != 0 and "corpus 'yelp' is not defined" in run.stderr
    assert not (tmp_path / "results").exists()


def test_default_config_plans_every_cell(tmp_path):
    default = yaml.safe_load((REPO / "config.yaml").read_text())
    run = snakemake(tmp_path, "-n", "tables", config=default)
    assert run.returncode == 0, run.stderr[-3000:]
    jobs = planned_jobs(run.stdout)
    rules = [r for r, _ in jobs]
    # A1: 2 corpora x 3 archs x 3 C; A3's gru cells are A1's; B1: 4 models on one corpus, evaluated
    assert rules.count("train") == 18 + 4 and rules.count("evaluate") == 18 + 4 and rules.count("model_card") == 22
    # A2: 2 corpora x 3 C; B2: B1's 4 models; A4: A2's cells; B4, B5: B2's models; one prior per corpus
    assert rules.count("reconstruct") == 6 + 4 and rules.count("homotopy") == 6
    assert rules.count("prior_samples") == 4 and rules.count("interpolate") == 4
    assert rules.count("judge_check") == 1  # B4's judge checked on its corpus
    assert rules.count("prior_draws") == 2 + 1
    assert rules.count("syntax_scores") == 2 and rules.count("syntax_pairs") == 1
    # A5: 3 C x 3 schemes x 3 seeds on one corpus
    assert rules.count("fce_lm") == 27 and rules.count("fce_generate") == 3 and rules.count("fce_vocab") == 3
    assert len(jobs) == 165 and "choose_c_samples" not in rules  # C1 runs with configs/choose-c.yaml
    assert rules.count("prepare_corpus") == 2 and rules.count("figure") == 7


@pytest.mark.skipif(why_no_slurm() is None, reason="tests/test_slurm.py runs the smoke config from "
                    "scratch on a local SLURM cluster and compares its tables with these")
def test_two_runs_from_scratch_give_identical_tables(smoke_run, tmp_path_factory):
    again = tmp_path_factory.mktemp("smoke_again")
    run = snakemake(again, "tables")
    assert run.returncode == 0, run.stderr[-3000:]
    assert_same_tables(smoke_run, again)


def test_adding_a_value_of_C_adds_only_its_cells_and_the_tables(smoke_run):
    config = yaml.safe_load(yaml.safe_dump(SMOKE))
    config["experiments"]["A1"]["C"] = [3, 10, 20]
    run = snakemake(smoke_run, "-n", "tables", config=config)
    assert run.returncode == 0, run.stderr[-3000:]
    jobs = planned_jobs(run.stdout)
    new_cells = {f"corpus={c}, model={a}-betac-C20" for c in ("short", "long") for a in ("lstm", "gru", "cnn")}
    assert {w for r, w in jobs if r == "train"} == new_cells
    assert {w for r, w in jobs if r == "evaluate"} == new_cells
    # the new largest C also replaces the cells of A1's training table
    assert {w for r, w in jobs if r == "model_card"} == new_cells
    assert {r for r, _ in jobs} == {"train", "evaluate", "model_card", "table_rate_distortion",
                                    "table_rate_training", "figure", "table_runs", "table_claims",
                                    "effective_config", "tables"}


def test_a_config_on_the_command_line_replaces_the_default(tmp_path):
    """The default config.yaml sits in the working folder, as in the repository; a config naming
    A1 on one corpus plans that experiment's jobs on that corpus and nothing of the default's."""
    shutil.copy(REPO / "config.yaml", tmp_path / "config.yaml")
    (tmp_path / "mini.txt").write_text("".join(f"a b c{i % 7} d .\n" for i in range(100)))
    mine = {"corpora": {"mini": {"path": str(tmp_path / "mini.txt")}},
            "experiments": {"A1": {"corpora": ["mini"], "archs": ["lstm"], "objective": "betac", "C": [3, 10]}}}
    run = snakemake(tmp_path, "-n", "tables", config=mine, configname="mine.yaml")
    assert run.returncode == 0, run.stderr[-3000:]
    cells = [f"corpus=mini, model=lstm-betac-C{c}" for c in (3, 10)]
    assert sorted(planned_jobs(run.stdout)) == sorted([
        ("prepare_corpus", "corpus=mini"), *[("train", c) for c in cells], *[("evaluate", c) for c in cells],
        *[("model_card", c) for c in cells],
        ("table_rate_distortion", ""), ("figure", "figure=rate_distortion"), ("figure", "figure=logdetcov"),
        ("table_rate_training", ""), ("figure", "figure=rate_training"),
        ("table_runs", ""), ("table_claims", ""), ("effective_config", ""), ("tables", "")])
    # without a config on the command line, config.yaml is the config
    default = subprocess_jobs(tmp_path)
    assert ("prepare_corpus", "corpus=short") in default and ("prepare_corpus", "corpus=mini") not in default


def subprocess_jobs(workdir):
    run = subprocess.run([sys.executable, "-m", "snakemake", "-s", str(REPO / "Snakefile"), "-d", str(workdir),
                          "-n", "tables"], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    return planned_jobs(run.stdout)


def test_the_paper_config_takes_schema_defaults_not_the_default_configs(tmp_path):
    """configs/paper.yaml's A5 names no `lm`: its LMs train with the cells' own settings (the
    schema's `lm: {}`), not with config.yaml's `lm: {epochs: 2}`; keys it leaves out of the
    evaluation block come from the schema."""
    shutil.copy(REPO / "config.yaml", tmp_path / "config.yaml")
    paper = yaml.safe_load((REPO / "configs" / "paper.yaml").read_text())
    stub_corpora(paper, tmp_path)
    run = snakemake(tmp_path, "results-paper/config.yaml", config=paper, configname="paper.yaml")
    assert run.returncode == 0, run.stderr[-3000:]
    effective = yaml.safe_load((tmp_path / "results-paper" / "config.yaml").read_text())
    assert effective["experiments"]["A5"] == {**paper["experiments"]["A5"], "lm": {}}
    assert effective["defaults"] == paper["defaults"] and effective["corpora"].keys() == paper["corpora"].keys()
    assert effective["evaluation"] == {**paper["evaluation"], "batch_size": 256, "mi_posteriors": 10000}
    assert "A6" in effective["experiments"] and effective["experiments"]["A6"]["per_subcase"] is None


def test_the_paper_config_plans_a6_on_its_own_wikipedia_and_cbt_as_the_authors_prepared_it(tmp_path):
    """A dry run of configs/paper.yaml: A6's cells train on the lower-cased Wikipedia of at most
    50 tokens, apart from A2's WIKI; CBT is prepared lower-cased with apostrophes split off."""
    paper = yaml.safe_load((REPO / "configs" / "paper.yaml").read_text())
    stub_corpora(paper, tmp_path)
    run = snakemake(tmp_path, "-n", "tables", config=paper, configname="paper.yaml")
    assert run.returncode == 0, run.stderr[-3000:]
    jobs = planned_jobs(run.stdout)
    trained = {w for r, w in jobs if r == "train"}
    assert {f"corpus=wiki_syntax, model=lstm-betac-C{C}-s{s}" for C in (3, 100) for s in (1, 2, 3)} <= trained
    assert ("prepare_corpus", "corpus=wiki_syntax") in jobs and ("prepare_corpus", "corpus=cbt") in jobs
    effective = tvconfig.prepare(yaml.safe_load(yaml.safe_dump(paper)), files=False)
    assert effective["corpora"]["wiki_syntax"]["max_len"] == 50 and effective["corpora"]["wiki"]["max_len"] == 200
    assert effective["corpora"]["cbt"]["lowercase"] and effective["corpora"]["cbt"]["split_chars"] == "'`"
    assert tvconfig.cell_settings(effective, "bookcorpus", "lstm-autogen-m1-s1").z_input == "initial_state"


def test_the_budget_config_and_its_cpu_part_dry_run(tmp_path):
    """configs/budget.yaml plans every cell; given after it, configs/budget-cpu.yaml plans its part
    alone (A4-A6 set to null), whose B cells the whole config reuses."""
    budget = yaml.safe_load((REPO / "configs" / "budget.yaml").read_text())
    run_dir = tmp_path / "run"  # the config reads ../shared/corpora: stubbed beside it
    run_dir.mkdir()
    stub_corpora(budget, run_dir)
    (run_dir / "cpu.yaml").write_text((REPO / "configs" / "budget-cpu.yaml").read_text())
    run = snakemake(run_dir, "-n", "tables", config=budget, configname="budget.yaml")
    assert run.returncode == 0, run.stderr[-3000:]
    whole = {w for r, w in planned_jobs(run.stdout) if r == "train"}
    assert len(whole) == 3 * (24 + 9 + 2 + 4) + 1
    part = subprocess.run([sys.executable, "-m", "snakemake", "-s", str(REPO / "Snakefile"), "-d", str(run_dir),
                           "--configfile", str(run_dir / "budget.yaml"), str(run_dir / "cpu.yaml"), "-n", "tables"],
                          capture_output=True, text=True, timeout=300)
    assert part.returncode == 0, part.stderr[-3000:]
    jobs = planned_jobs(part.stdout)
    trained = {w for r, w in jobs if r == "train"}
    assert len(trained) == 8 and {t for t in trained if "cbt" in t} < whole
    assert not {r for r, _ in jobs} & {"homotopy", "fce_generate", "syntax_scores"}  # A4-A6 are off


def test_a_corpus_settings_retrain_its_cells_and_keep_its_preparation(smoke_run):
    config = yaml.safe_load(yaml.safe_dump(SMOKE))
    config["corpora"]["long"]["settings"] = {"epochs": 1}
    jobs = planned_jobs(snakemake(smoke_run, "-n", "tables", config=config).stdout)
    long_cells = sorted(f"corpus=long, model={m}" for c, m in tvconfig.all_cells(SMOKE) if c == "long")
    assert long_cells and sorted(w for r, w in jobs if r == "train") == long_cells
    assert "prepare_corpus" not in {r for r, _ in jobs}


def test_train_seeds_train_each_model_per_seed_and_the_claims_decide_over_them(tmp_path):
    """A3 and the AutoGen experiments with train_seeds [1, 2, 3]: one run per model and seed, the
    seed in the run's settings; the tables show the mean and sd over the seeds, and the claims
    decide over them (the paired t over the seeds, B3's shares of wins per seed)."""
    config = yaml.safe_load(yaml.safe_dump(SMOKE))
    autogen = dict(corpora=["short"], models=["lstm-vae-anneal", "lstm-autogen-m1"], train_seeds=[1, 2, 3],
                   settings=SMOKE["experiments"]["B1"].get("settings", {}))
    config["corpora"] = {"short": SMOKE["corpora"]["short"]}
    config["experiments"] = dict(
        A3=dict(SMOKE["experiments"]["A3"], train_seeds=[1, 2, 3]), B1=autogen,
        B2=dict(autogen, scheme="beam", sentences=10), B3=dict(pairs=[["lstm-autogen-m1", "lstm-vae-anneal"]]))
    run = snakemake(tmp_path, "tables", config=config)
    assert run.returncode == 0, run.stderr[-3000:]
    tables = tmp_path / "results" / "tables"
    runs = pd.read_parquet(tables / "runs.parquet").set_index("model")
    assert runs.loc["gru-betac-C10-s2", "seed"] == 2 and runs.loc["lstm-autogen-m1-s3", "seed"] == 3
    assert len(runs) == 12
    ap = pd.read_parquet(tables / "aggregate_posterior.parquet")
    assert sorted(ap["model"]) == [f"gru-betac-C{C}-s{s}" for C in (10, 3) for s in (1, 2, 3)]
    assert ap.groupby("C")["aggregate_kl"].nunique().eq(3).all()  # the seeds train different models
    assert "## Mean ± sd over the training seeds" in (tables / "aggregate_posterior.md").read_text()
    preference = pd.read_parquet(tables / "autogen_preference.parquet")
    assert preference["model"].tolist() == [f"lstm-autogen-m1-s{s}" for s in (1, 2, 3)]
    assert (preference["wins"] + preference["losses"] + preference["ties"] == 10).all()
    claims = pd.read_parquet(tables / "claims.parquet").set_index("claim")
    for claim in ("A3.aggregate_kl_larger", "B1.m1_kl_share_exceeds_vae_anneal"):
        assert claims.loc[claim, "unit"] == "training seeds" and claims.loc[claim, "n_units"] == 3
    paired = claims.loc["B1.m1_kl_share_exceeds_vae_anneal", "test"]
    assert paired == "paired t over 3 training seeds (normal values assumed)"
