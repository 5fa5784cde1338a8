"""Snakemake's own CPU time under the job rate limit of profiles/default (500 jobs in 5 s)
against Snakemake's default (100 jobs in 1 s, the baseline), on a workflow of short jobs
that queue for the cores as the pipeline's do.

    python3 benchmarks/scheduler_passes.py [--jobs 60] [--seconds 2] [--cores 2]

While jobs wait, each pass of Snakemake's scheduler starts a timer of the limit's timespan that
runs one more pass, so the passes multiply with every finished job; a longer timespan makes
fewer.  Prints, per limit, the scheduler process's CPU seconds (user + system, its children
excluded), the run's wall seconds and the seconds from its last job's end to the process's exit
(it waits for its last timer), as `name: value` lines, and the ratio of the CPU seconds.
The profile's limit is read from profiles/default/config.yaml, the default from the installed
Snakemake's command-line parser.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
from snakemake.cli import get_argument_parser

REPO = Path(__file__).resolve().parents[1]

WORKFLOW = """
rule all:
    input: expand("done/{{i}}.txt", i=range({jobs}))

rule job:
    output: "done/{{i}}.txt"
    shell: "sleep {seconds} && touch {{output}}"
"""

# Snakemake's command line in this process, which prints its own CPU time when it exits (after
# the interpreter has joined the scheduler's pending timers)
RUN_AND_REPORT = """
import atexit, resource, sys
def report():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(f"SCHEDULER_CPU {usage.ru_utime + usage.ru_stime:.3f}", file=sys.stderr)
atexit.register(report)
from snakemake.cli import main
sys.argv = ["snakemake", *sys.argv[1:]]
main()
"""


def run_once(folder: Path, cores: int, limit: str) -> dict:
    """CPU and wall seconds of one run of the workflow in `folder` under `limit`."""
    for done in (folder / "done").glob("*.txt"):
        done.unlink()
    start = time.perf_counter()
    run = subprocess.run([sys.executable, "-c", RUN_AND_REPORT, "-d", str(folder), "-s", str(folder / "Snakefile"),
                          "--cores", str(cores), "--max-jobs-per-timespan", limit, "--quiet", "all"],
                         capture_output=True, text=True, check=True)
    wall, ended = time.perf_counter() - start, time.time()
    last_output = max(p.stat().st_mtime for p in (folder / "done").glob("*.txt"))
    cpu = float(run.stderr.rsplit("SCHEDULER_CPU", 1)[1].split()[0])
    return dict(cpu=cpu, wall=wall, exit_wait=ended - last_output)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=60)
    parser.add_argument("--seconds", type=float, default=2.0, help="each job's sleep")
    parser.add_argument("--cores", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "Snakefile").write_text(WORKFLOW.format(jobs=args.jobs, seconds=args.seconds))
        profile = yaml.safe_load((REPO / "profiles" / "default" / "config.yaml").read_text())
        limits = {"default": get_argument_parser().get_default("max_jobs_per_timespan"),
                  "profile": profile["max-jobs-per-timespan"]}
        print(f"{args.jobs} jobs of {args.seconds:g} s on {args.cores} cores; limits: {limits}")
        found = {}
        for name, limit in limits.items():
            found[name] = run_once(folder, args.cores, limit)
            for key, value in found[name].items():
                print(f"{name}_{key}_s: {value:.2f}")
        print(f"cpu_ratio_default_vs_profile: {found['default']['cpu'] / found['profile']['cpu']:.2f}")


if __name__ == "__main__":
    main()
