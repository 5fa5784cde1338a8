"""Time to plan the papers' full grids: `snakemake -n tables --configfile configs/paper.yaml`
with every corpus file stubbed where the config expects it, against planning the default
config in the same run (the baseline).

    python3 benchmarks/plan_paper.py [--repeats 3]

Prints the number of jobs and the median wall time of each plan, as `name: value` lines.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from textvae.config import corpus_files

REPO = Path(__file__).resolve().parents[1]


def stub_corpora(config: dict, folder: Path) -> None:
    """Empty stand-ins for every file the config names (planning never reads them)."""
    for corpus in config["corpora"].values():
        for key in ("train", "valid", "test", "path"):
            for path in corpus_files(corpus, key):
                (folder / path).parent.mkdir(parents=True, exist_ok=True)
                (folder / path).write_text("a b c\n")
    pairs = config["experiments"].get("A6", {}).get("pairs", "builtin")
    if pairs != "builtin":
        (folder / pairs).mkdir(parents=True, exist_ok=True)


def plan(configfile: Path, workdir: Path) -> tuple[float, int]:
    """(seconds, jobs) of one dry run of `tables`."""
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "snakemake", "-s", str(REPO / "Snakefile"), "-d", str(workdir),
                          "--configfile", str(configfile), "-n", "tables"],
                         capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - start
    return seconds, int(re.search(r"^total\s+(\d+)", out.stdout, re.M).group(1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    paper_cfg = yaml.safe_load((REPO / "configs" / "paper.yaml").read_text())
    with tempfile.TemporaryDirectory() as tmp:
        paper_dir, default_dir = Path(tmp) / "paper", Path(tmp) / "default"
        paper_dir.mkdir()
        default_dir.mkdir()
        stub_corpora(paper_cfg, paper_dir)
        times = {"paper": [], "default": []}
        jobs = {}
        for _ in range(args.repeats):
            for name, cfg, workdir in (("paper", REPO / "configs" / "paper.yaml", paper_dir),
                                       ("default", REPO / "config.yaml", default_dir)):
                seconds, jobs[name] = plan(cfg, workdir)
                times[name].append(seconds)
                print(f"{name}: {jobs[name]} jobs planned in {seconds:.2f} s")
    paper, default = statistics.median(times["paper"]), statistics.median(times["default"])
    print(f"paper_jobs: {jobs['paper']}")
    print(f"paper_plan_seconds: {paper:.2f}")
    print(f"default_jobs: {jobs['default']}")
    print(f"default_plan_seconds: {default:.2f}")
    print(f"ratio_to_default: {paper / default:.2f}")


if __name__ == "__main__":
    main()
