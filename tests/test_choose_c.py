"""Experiment C1, choosing C: the ladder, the criterion, the seeds' interval and the smoothed
grammar NLL by known answers; the command `textvae choose-c` on the smoke run; the pick of the
committed validation recomputed from its tables."""

import math
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import REPO

from textvae.experiments import c1

VALIDATION = REPO / "docs" / "choose-c"


def test_the_ladder_doubles_from_1_up_to_the_top():
    assert c1.ladder(20.39) == [1, 2, 4, 8, 16]  # the short corpus's entropy per sentence
    assert c1.ladder(16) == [1, 2, 4, 8, 16]  # the top itself where it is a rung
    assert c1.ladder(128) == [1, 2, 4, 8, 16, 32, 64, 128]
    assert c1.ladder(100, start=3, ratio=3) == [3, 9, 27, 81]
    assert c1.ladder(0.5) == [1]  # never empty
    with pytest.raises(ValueError, match="ratio"):
        c1.ladder(10, ratio=1)


def test_the_pick_is_the_largest_C_within_delta_of_the_best():
    rising = {1: 3.00, 2: 3.02, 4: 3.08, 8: 3.15, 16: 3.60}
    assert c1.pick(rising, 0.1) == 4  # 3.08 <= 3.00 + 0.1 < 3.15
    assert c1.pick(rising, 0.2) == 8
    assert c1.pick(rising, 0.0) == 1  # the best itself
    dipping = {1: 3.3, 2: 3.1, 4: 3.0, 8: 3.05, 16: 3.5}  # the best in the middle
    assert c1.pick(dipping, 0.1) == 8
    assert c1.pick({1: 5.0, 2: 3.0, 4: 9.0}, 0.5) == 2  # a rung beyond within delta is not enough


def test_the_seeds_interval_is_the_range_of_their_picks_with_the_coverage_of_the_median():
    assert c1.seeds_interval([4, 8, 4]) == (4, 8, 0.75)  # 1 - 2 (1/2)^3
    assert c1.seeds_interval([8, 8, 8, 8, 8]) == (8, 8, 1 - 2 / 32)
    assert c1.seeds_interval([2]) == (2, 2, 0.0)  # one seed: a point, no coverage


def test_the_smoothed_nll_is_the_grammars_where_it_derives_and_a_uniform_draw_where_not():
    nll = c1.smoothed_nll(np.array([20.0, np.inf]), np.array([6.0, 6.0]), 500, 0.01)
    assert nll[0] == pytest.approx((20 - math.log(0.99)) / 7, rel=1e-9)  # 7 tokens with </s>
    assert nll[1] == pytest.approx((math.log(100) + 7 * math.log(500)) / 7, rel=1e-12)


def runs(curves: dict[int, list[float]], corpus: str = "c") -> pd.DataFrame:
    """A runs table of C1: per seed, its sample NLL at each C of the ladder."""
    rows = [dict(corpus=corpus, model=f"lstm-betac-C{C:g}-s{seed}", C=float(C), seed=seed, distortion=10.0 - C / 10,
                 rate=float(C), mi=1.0, active_units=4, aggregate_kl=1.0, sample_nll=value, derivable=1.0)
            for seed, curve in curves.items() for C, value in zip((1, 2, 4, 8), curve)]
    return pd.DataFrame(rows)


def test_the_picks_table_picks_on_the_mean_curve_and_gives_each_seeds_pick():
    table = runs({1: [3.0, 3.05, 3.09, 3.3], 2: [3.0, 3.0, 3.2, 3.4], 3: [3.1, 3.0, 3.05, 3.08]})
    (row,) = c1.picks_table(table, 0.1).to_dict("records")
    # mean curve 3.033, 3.017, 3.113, 3.26: best 3.017 at C=2; 3.113 <= 3.117, so C=4
    assert (row["pick"], row["best_C"]) == (4, 2) and row["seed_picks"] == "4, 2, 8"
    assert (row["lo"], row["hi"], row["coverage"], row["ladder"]) == (2, 8, 0.75, "1, 2, 4, 8")
    curve = c1.curve_table(table, c1.picks_table(table, 0.1))
    assert curve.loc[curve["chosen"], "C"].tolist() == [4]
    assert curve.loc[curve["C"] == 2, "sample_nll_sd"].item() == pytest.approx(np.std([3.05, 3.0, 3.0], ddof=1))


def test_the_search_config_runs_c1_alone_on_the_corpus_over_its_ladder():
    config = {"results": "r", "corpora": {"a": {}, "b": {}},
              "experiments": {"A1": {"corpora": ["a"]}, "C1": {"corpora": ["a"], "C": [3], "delta": 0.2}}}
    search = c1.search_config(config, "b", 20.4)
    assert search["experiments"] == {"C1": {"corpora": ["b"], "C": [1, 2, 4, 8, 16], "delta": 0.2}}
    assert search["results"] == "r" and config["experiments"]["C1"]["C"] == [3]  # the config as it was


def test_choose_c_prints_the_pick_its_interval_and_the_figure(smoke_run, tmp_path):
    """The command on a copy of the smoke run, short corpus, over the ladder up to 2 (rungs 1 and 2)."""
    shutil.copytree(smoke_run, tmp_path / "run", symlinks=True)
    run = subprocess.run([sys.executable, "-m", "textvae", "choose-c", "--corpus", "short", "--configfile",
                          "config.yaml", "--top", "2"], cwd=tmp_path / "run", capture_output=True, text=True,
                         timeout=900)
    assert run.returncode == 0, run.stderr[-3000:]
    pick = pd.read_parquet(tmp_path / "run" / "results" / "tables" / "choose_c_pick.parquet").iloc[0]
    assert pick["ladder"] == "1, 2" and pick["seeds"] == 1 and pick["pick"] in (1, 2)
    assert f"short: recommended C = {pick['pick']:g} over the ladder 1, 2" in run.stdout
    assert f"[{pick['lo']:g}, {pick['hi']:g}], an interval of 0 % coverage" in run.stdout  # one seed
    assert (tmp_path / "run" / "results" / "figures" / "choose_c.png").exists()
    assert "figures/choose_c.png" in run.stdout


def test_choose_c_names_a_missing_corpus_or_c1_block(tmp_path):
    (tmp_path / "config.yaml").write_text((REPO / "configs" / "smoke.yaml").read_text())
    (tmp_path / "no_c1.yaml").write_text((REPO / "config.yaml").read_text())

    def choose(*args):
        return subprocess.run([sys.executable, "-m", "textvae", "choose-c", *args], cwd=tmp_path,
                              capture_output=True, text=True)
    missing = choose("--corpus", "yahoo", "--configfile", "config.yaml")
    assert missing.returncode == 1 and "corpus 'yahoo' is not under corpora in config.yaml" in missing.stderr
    bare = choose("--corpus", "short", "--configfile", "no_c1.yaml")
    assert bare.returncode == 1 and "no_c1.yaml has no experiments.C1 block; add configs/choose-c.yaml" in bare.stderr


def test_the_validations_picks_follow_from_its_committed_tables():
    """docs/choose-c/: each run's table gives the picks that picks.csv and docs/choose-c.md state."""
    delta = yaml.safe_load((REPO / "configs" / "choose-c.yaml").read_text())["experiments"]["C1"]["delta"]
    stated = pd.read_csv(VALIDATION / "picks.csv")
    page = (REPO / "docs" / "choose-c.md").read_text()
    full = c1.picks_table(pd.read_csv(VALIDATION / "full_runs.csv"), delta).set_index("corpus")
    for fraction, rows in stated.groupby("train_fraction"):
        search = c1.picks_table(pd.read_csv(VALIDATION / f"f{fraction:g}_runs.csv"), delta).set_index("corpus")
        rows = rows.set_index("corpus")
        for column in ("pick", "lo", "hi", "best_C"):
            assert search[column].to_dict() == rows[f"{column}_short"].to_dict(), (fraction, column)
            assert full[column].reindex(rows.index).to_dict() == rows[f"{column}_full"].to_dict(), column
        for corpus, row in rows.iterrows():
            steps = abs(math.log2(row["pick_short"] / row["pick_full"]))
            assert row["within_one_step"] == (steps <= 1) and row["steps_apart"] == steps
            assert f"| {corpus} | {fraction:g} | {row['pick_short']:g} | {row['pick_full']:g} | {steps:g} |" in page
