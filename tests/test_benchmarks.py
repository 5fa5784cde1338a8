"""The GPU benchmarks in their CI-sized form on the CPU, and the cost projection's arithmetic."""

import re
import subprocess
import sys

import pandas as pd
import paper_cost  # noqa: E402
import pytest
import yaml
from conftest import REPO

from textvae.config import prepare  # noqa: E402
from textvae.precision import bf16_rnn_runs  # noqa: E402


def figures(out: str) -> dict[str, float]:
    return {k: float(v) for k, v in re.findall(r"^(\w+): ([-\d.e+]+)$", out, re.M)}


def test_gpu_throughput_runs_on_the_cpu_and_prints_its_figures():
    run = subprocess.run([sys.executable, str(REPO / "benchmarks" / "gpu_throughput.py"), "--size", "tiny",
                          "--archs", "lstm", "--precisions", "fp32", "bf16", "--concurrent", "1", "2",
                          "--steps", "3", "--device", "cpu"],
                         capture_output=True, text=True, timeout=600, cwd=REPO)
    assert run.returncode == 0, run.stderr[-3000:]
    got = figures(run.stdout)
    assert got["lstm_fp32_ratio_vs_fp32"] == 1.0 and got["concurrent1_ratio_vs_1"] == 1.0
    for key in ("lstm_fp32_tokens_per_s", "concurrent2_tokens_per_s"):
        assert got[key] > 0, key
    if bf16_rnn_runs("cpu"):
        ratio = got["lstm_bf16_tokens_per_s"] / got["lstm_fp32_tokens_per_s"]
        assert got["lstm_bf16_ratio_vs_fp32"] == pytest.approx(ratio, rel=1e-3)
    else:  # this CPU cannot: the benchmark says so and measures fp32 only
        assert "bf16: skipped, this cpu's oneDNN has no bfloat16 LSTM" in run.stdout
        assert "lstm_bf16_tokens_per_s" not in got
    assert got["best_tokens_per_s"] == max(v for k, v in got.items() if k.endswith("_tokens_per_s"))
    assert "device: cpu (CPU)" in run.stdout


@pytest.fixture
def paper():
    return prepare(yaml.safe_load((REPO / "configs" / "paper.yaml").read_text()), files=False)


def test_one_cells_cost_by_hand(paper):
    """Yahoo, lstm, C = 10 (one of its three seeds): 10 epochs of 100k documents of 78 words and
    </s> in random batches, whose f positions per token pay the encoder and decoder, a share s of the model's
    multiply-adds (all but the 512 x 20,000 output layer of the LSTM encoder 4 x 512 x (256 +
    512), mu and log sigma^2 2 x 512 x 64, and the decoder 4 x 512 x (256 + 64 + 512)); 7,820
    steps of 128, so 15 held-out rows of 2,000 sentences; evaluation: one pass over the 10k test
    sentences and 500 over the IW-NLL's 2,000; forward-only tokens count a third."""
    work = paper_cost.cell_work(paper, "yahoo", "lstm-betac-C10-s1")
    body = 4 * 512 * (256 + 512) + 2 * 512 * 64 + 4 * 512 * (256 + 64 + 512)
    s = body / (body + 512 * 20_000)
    f = paper_cost.CORPORA["yahoo"].random_positions
    assert work["training"] == pytest.approx(10 * 100_000 * 79.0 * (1 + (f - 1) * s))
    assert work["held_out"] == pytest.approx(15 * 2000 * 79.0 / 3)
    assert work["evaluation"] == pytest.approx((10_000 + 500 * 2000) * 79.0 / 3)
    assert paper_cost.cell_work(paper, "bookcorpus", "lstm-vae-s2")["training"] == pytest.approx(
        paper["experiments"]["B1"]["settings"]["epochs"] * 58_800_000 * 14.3)  # bucketed: no padding


def fake_run(folder, lengths: dict, jobs: dict):
    """A results folder with the splits' sentence lengths (data/short/) and one trained cell's
    train and evaluate jobs of the given seconds."""
    (folder / "data" / "short").mkdir(parents=True)
    for split, n_tokens in lengths.items():
        pd.DataFrame(dict(n_tokens=n_tokens)).to_parquet(folder / "data" / "short" / f"{split}.parquet")
    (folder / "tables").mkdir()
    pd.DataFrame(dict(corpus=["short"], model=["lstm-betac-C3"])).to_parquet(folder / "tables" / "runs.parquet")
    for rule, seconds in jobs.items():
        (folder / "benchmarks" / rule / "short").mkdir(parents=True)
        (folder / "benchmarks" / rule / "short" / "lstm-betac-C3.tsv").write_text(f"s\tmax_rss\n{seconds}\t1\n")


def test_a_runs_corpora_and_measured_rate_by_hand(tmp_path):
    """Train sentences of 2 and 4 words (mean 3, so 4 tokens with </s>), one valid, one test:
    lstm-betac-C3 of the smoke config trains `epochs` times over 2 sentences of 4 tokens in
    bucketed batches (no padding), takes one step an epoch, scores the valid sentence every
    `history_every` steps, and its evaluation passes the test sentence once and iw_samples
    times, a third each; its jobs took 10 s and 5 s, so the rate is that work over 15 s."""
    config = prepare(yaml.safe_load((REPO / "configs" / "smoke.yaml").read_text()), files=False)
    fake_run(tmp_path, dict(train=[2, 4], valid=[3], test=[5]), dict(train=10.0, evaluate=5.0))
    corpora = paper_cost.run_corpora(config, tmp_path)
    assert set(corpora) == {"short"}
    short = corpora["short"]
    assert (short.train, short.valid, short.test, short.words) == (2, 1, 1, 3.0)
    assert short.random_positions == pytest.approx(2 * 5 / (3 + 5))  # one batch padded to 4 + </s>
    settings = paper_cost.cell_settings(config, "short", "lstm-betac-C3")
    rows = settings.epochs // settings.history_every  # held-out rows of the one valid sentence
    work = settings.epochs * 2 * 4 + rows * 4 / 3 + (1 + config["evaluation"]["iw_samples"]) * 4 / 3
    rate, cells = paper_cost.measured_rate(config, tmp_path, corpora)
    assert cells == 1 and rate == pytest.approx(work / 15)


def test_the_grid_charges_every_cell_once(paper):
    work = paper_cost.grid_work(paper)
    cells = paper_cost.all_cells(paper)
    total = sum(sum(kind for key, kind in w.items() if key != "other") for w in work.values())
    assert total == pytest.approx(sum(sum(paper_cost.cell_work(paper, *c).values()) for c in cells))
    assert work["A4"]["training"] == 0  # its cells are A2's
    assert work["B4"]["training"] == pytest.approx(58_800_000 * 14.3)  # the reference LM, one epoch


def test_the_cost_reads_the_throughput_from_results(tmp_path):
    results = tmp_path / "RESULTS.md"
    results.write_text("device: cpu (CPU)\nbest_tokens_per_s: 100.0\n\n"
                       "device: cuda (H100)\nx: 1\nbest_tokens_per_s: 2000000.5\n")
    assert paper_cost.throughput_from_results(results) == (2000000.5, "cuda (H100)")
    run = subprocess.run([sys.executable, str(REPO / "benchmarks" / "paper_cost.py"), "--results", str(results)],
                         capture_output=True, text=True, timeout=120, cwd=REPO)
    assert run.returncode == 0, run.stderr
    got = figures(run.stdout)
    assert got["grid_device_hours"] == pytest.approx(got["grid_tokens"] / 2000000.5 / 3600, rel=1e-2)
    assert got["ratio_to_5_hours"] == pytest.approx(got["grid_device_hours"] / 5, rel=1e-2)
    (tmp_path / "empty.md").write_text("nothing measured\n")
    missing = subprocess.run([sys.executable, str(REPO / "benchmarks" / "paper_cost.py"), "--results",
                              str(tmp_path / "empty.md")], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert missing.returncode == 1 and "no `best_tokens_per_s: N` line" in missing.stderr


def test_scheduler_passes_runs_both_limits_and_prints_its_figures():
    run = subprocess.run([sys.executable, str(REPO / "benchmarks" / "scheduler_passes.py"), "--jobs", "4",
                          "--seconds", "0.1"], capture_output=True, text=True, timeout=300, cwd=REPO)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "limits: {'default': '100/1s', 'profile': '500/5s'}" in run.stdout
    got = figures(run.stdout)
    for limit in ("default", "profile"):
        assert got[f"{limit}_cpu_s"] > 0 and got[f"{limit}_wall_s"] > got[f"{limit}_exit_wait_s"] >= 0
    assert got["cpu_ratio_default_vs_profile"] == pytest.approx(got["default_cpu_s"] / got["profile_cpu_s"], abs=0.02)
