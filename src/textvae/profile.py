"""What the Snakemake profiles compute before the workflow is read (profiles/slurm/config.yaml)."""

from __future__ import annotations

import argparse
import os

import yaml


def results_folder(argv: list[str]) -> str:
    """The results folder of the run a snakemake command line `argv` (no program name) starts.

    `--config results=...`, else the last `--configfile` setting `results`, else config.yaml's
    under `-d`, else `results`; joined to `-d`.  Why: docs/design.md#profile."""
    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    parser.add_argument("--configfile", "--configfiles", nargs="+", action="extend", default=[])
    parser.add_argument("--config", "-C", nargs="*", action="extend", default=[])
    parser.add_argument("--directory", "-d", default=".")
    given, _ = parser.parse_known_args(argv)
    results = "results"
    files = given.configfile or [os.path.join(given.directory, "config.yaml")]
    for path in files:
        if os.path.isfile(path):
            with open(path) as f:
                results = (yaml.safe_load(f) or {}).get("results", results)
    for item in given.config:
        key, _, value = item.partition("=")
        if key == "results":
            results = value
    return os.path.join(given.directory, results)
