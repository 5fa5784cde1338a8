"""Write docs/results-real.md from a run on real text (configs/budget.yaml, or a part of it): the
reproduction scorecard against the default run (docs/claims-default.csv), the run's commit,
hardware, time and cost and what of the whole config it left out, the claims with each verdict's
unit, B4's judge's known-answer check, the tables beside the papers' values, and the figures
(copied to docs/figures/real/); and README's sentence on what held, between its scorecard
markers.  Run by `snakemake --cores 2 results_real --configfile configs/budget.yaml [part.yaml]`:

    python3 workflow/scripts/results_real.py RESULTS CONFIGFILE [CONFIGFILE ...]

the run's config files in their order; with more than one, the run is a part of the first, whose
cells it did not run are listed as missing."""

import shutil
import sys
from pathlib import Path

import pandas as pd
import yaml

from textvae import config as tvconfig
from textvae.experiments import REGISTRY
from textvae.pages import (
    read_claims_csv,
    replace_between,
    run_facts,
    save_claims_csv,
    scorecard,
    scorecard_counts,
    shown_claims,
)
from textvae.tables import markdown
from textvae.training import code_version

REPO = Path(__file__).resolve().parents[2]
START, END = "<!-- scorecard:start -->", "<!-- scorecard:end -->"
JUDGE_CHECK = "autogen_judge"  # B4's table of its judge's known-answer check


def hours(seconds: float) -> str:
    return f"{seconds / 3600:.2f} h"


def missing(run_config: dict, whole: dict | None) -> list[str]:
    """What the whole config runs that this run did not: experiments, then cells."""
    if whole is None:
        return []
    tvconfig.prepare(whole, files=False)
    lines = [f"experiment {name}" for name in whole["experiments"] if name not in run_config["experiments"]]
    cells = sorted(set(tvconfig.all_cells(whole)) - set(tvconfig.all_cells(run_config)))
    if cells:
        lines.append(f"{len(cells)} of its {len(tvconfig.all_cells(whole))} cells, e.g. "
                     + ", ".join(f"{c}/{m}" for c, m in cells[:4]))
    return lines


def command(target: str, configfiles: list[str]) -> str:
    return f"snakemake --cores 2 {target} --configfile {' '.join(configfiles)}"


def run_section(results: Path, configfiles: list[str], left_out: list[str]) -> list[str]:
    facts = run_facts(results)
    lines = ["## The run", "",
             f"- command: `{command('tables', configfiles)}`",
             f"- code: commit {', '.join(facts['commits'])} trained the cells (`runs.parquet`); this page was "
             f"written at {code_version()}",
             f"- hardware: {facts['processor']}; training on {', '.join(facts['devices'])}, "
             f"torch {', '.join(facts['torch'])}",
             f"- time: {hours(facts['wall_seconds'])} from the first job's start to the last one's end; "
             f"{hours(facts['job_seconds'])} summed over the jobs (of them {hours(facts['train_seconds'])} "
             f"training {facts['cells']} cells)",
             f"- cost: {facts['job_seconds'] / 3600:.2f} core-hours (every job on one thread)"]
    if left_out:
        lines += ["- not run here, of the whole config: " + "; ".join(left_out),
                  "- the command that completes it (reusing these cells): "
                  f"`{command('results_real', configfiles[:1])}`"]
    return lines + [""]


def scorecard_section(card: pd.DataFrame) -> list[str]:
    return ["## Reproduction scorecard", "",
            "Each claim's status on a run: holds (every verdict row holds), fails (every row fails), "
            "undecided, mixed (rows disagree) or not run; the row counts beside it. The default is the "
            "built-in corpora's run ([results.md](results.md)); the papers report every claim of theirs "
            "as found.", "",
            f"- real text at budget: {scorecard_counts(card, 'real')}",
            f"- built-in default: {scorecard_counts(card, 'default')}", "",
            markdown(card), ""]


def claims_section(results: Path, claims: pd.DataFrame) -> list[str]:
    summary = (results / "tables" / "claims_summary.txt").read_text().rstrip()
    return ["## Claims", "", "```", summary, "```", "", markdown(shown_claims(claims), "g"), ""]


def demoted(markdown: str, levels: int) -> str:
    """A table's markdown with its headings `levels` deeper, to sit under the page's own."""
    return "\n".join("#" * levels + line if line.startswith("#") else line for line in markdown.splitlines())


def judge_section(results: Path) -> list[str]:
    """B4's judge's known-answer check: how often it passes real, shuffled and word-swapped test
    sentences (the tables section leaves it out)."""
    check = results / "tables" / f"{JUDGE_CHECK}.md"
    if not check.exists():
        return []
    return ["## B4's judge: its known-answer check", "", demoted(check.read_text().rstrip(), 2), ""]


def tables_section(results: Path, run_config: dict) -> list[str]:
    """Each experiment's tables, with the papers' values where it has them."""
    lines = ["## Tables beside the papers' values", ""]
    for experiment in REGISTRY:
        if experiment.id not in run_config["experiments"]:
            continue
        lines += [f"### {experiment.title}", ""]
        names = [*experiment.tables, *([f"{experiment.paper_table}_paper"] if experiment.paper_table else [])]
        for name in names:
            if name != JUDGE_CHECK:
                lines += [demoted((results / "tables" / f"{name}.md").read_text().rstrip(), 3), ""]
    return lines


def figures_section(results: Path, run_config: dict, docs: Path) -> list[str]:
    """The figures, copied to docs/figures/real/."""
    lines = ["## Figures", ""]
    (docs / "figures" / "real").mkdir(parents=True, exist_ok=True)
    for experiment in REGISTRY:
        for figure in experiment.figures if experiment.id in run_config["experiments"] else ():
            png = results / "figures" / f"{figure.name}.png"
            shutil.copyfile(png, docs / "figures" / "real" / png.name)
            lines += [f"**{figure.title}**", "", f"![{figure.name}](figures/real/{png.name})", ""]
    return lines


def readme_sentence(card: pd.DataFrame) -> str:
    """README's sentence: the scorecard's counts and, per experiment, how many of its claims held."""
    experiment = card["claim"].str.split(".").str[0]
    held = [f"{e} {int((group['real'] == 'holds').sum())} of {len(group)}"
            for e, group in card.groupby(experiment, sort=False)]
    return (f"{START}\n**On real text at the papers' budget** ([docs/results-real.md](docs/results-real.md), "
            f"generated from a run of `configs/budget.yaml`): of the {len(card)} claims, "
            f"{scorecard_counts(card, 'real')} (on the built-in default: {scorecard_counts(card, 'default')}); "
            f"claims held per experiment: {', '.join(held)}.\n{END}")


def main(results: Path, configfiles: list[str], repo: Path = REPO) -> None:
    run_config = yaml.safe_load((results / "config.yaml").read_text())
    whole = yaml.safe_load(Path(configfiles[0]).read_text()) if len(configfiles) > 1 else None
    claims = pd.read_parquet(results / "tables" / "claims.parquet")
    docs = repo / "docs"
    save_claims_csv(claims, docs / "claims-real.csv")
    card = scorecard(read_claims_csv(docs / "claims-default.csv"), claims)
    lines = ["# textvae on real text at the papers' budget", "",
             f"Generated from the run's outputs by `{command('results_real', configfiles)}` "
             "(`workflow/scripts/results_real.py`); do not edit by hand.", ""]
    lines += scorecard_section(card) + run_section(results, configfiles, missing(run_config, whole))
    lines += claims_section(results, claims) + judge_section(results) + tables_section(results, run_config)
    lines += figures_section(results, run_config, docs)
    (docs / "results-real.md").write_text("\n".join(lines))
    replace_between(repo / "README.md", START, END, readme_sentence(card))
    print(f"{docs / 'results-real.md'}: written from {results}; README's scorecard sentence updated")


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2:])
