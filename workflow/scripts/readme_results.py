"""Write the default run's results page, docs/results.md (the claims summary and table, every
captioned figure, copied to docs/figures/), and README's short results block between its
markers (the summary's counts, what held per paper, the three figures that say most); the
claims' outcomes go to docs/claims-default.csv (the default column of docs/results-real.md's
scorecard).  Run by `snakemake --cores 2 readme`, or

    python3 workflow/scripts/readme_results.py [RESULTS]

with the default run's results folder (default `results`)."""

import shutil
import sys
from pathlib import Path

import pandas as pd

from textvae.experiments import REGISTRY
from textvae.pages import claim_rows, replace_between, save_claims_csv, shown_claims
from textvae.tables import markdown

REPO = Path(__file__).resolve().parents[2]
START, END = "<!-- results:start -->", "<!-- results:end -->"
FRONT = ("rate_distortion", "capacity", "autogen_training")  # the figures README shows
GENERATED = "Generated from the default run's outputs by `snakemake --cores 2 readme` " \
            "(`workflow/scripts/readme_results.py`); do not edit by hand."
ABOUT = ("The default run (`snakemake --cores 2 tables`) on the built-in corpora. Every claim is decided by a "
         "rule written once, from the numbers shown as its evidence, with the test and interval named beside "
         "it. The default trains one network per setting, so its verdicts are about "
         "these trained networks, not about what retraining would give ([claims.md](claims.md)).")


def captioned(results: Path) -> list[tuple[str, str]]:
    """(figure name, caption) of every figure the registry captions that the run drew."""
    return [(f.name, f.caption) for e in REGISTRY for f in e.figures
            if f.caption and (results / "figures" / f"{f.name}.png").exists()]


def copy_figures(results: Path, docs: Path) -> None:
    (docs / "figures").mkdir(parents=True, exist_ok=True)
    for name, _ in captioned(results):
        shutil.copyfile(results / "figures" / f"{name}.png", docs / "figures" / f"{name}.png")


def figure_lines(figures: list[tuple[str, str]], folder: str) -> list[str]:
    return [line for name, caption in figures
            for line in (f"**{caption}**", "", f"![{caption}]({folder}/{name}.png)", "")]


def summary(results: Path) -> str:
    return (results / "tables" / "claims_summary.txt").read_text().rstrip()


def page(results: Path, claims: pd.DataFrame) -> str:
    """docs/results.md: the run's code, the claims summary and table, every captioned figure."""
    commits = ", ".join(sorted(set(pd.read_parquet(results / "tables" / "runs.parquet")["commit"])))
    lines = ["# Results of the default run", "", GENERATED, "", ABOUT, "",
             f"The cells were trained at commit {commits} (`tables/runs.parquet`).", "",
             "## Claims", "", "```", summary(results), "```", "",
             markdown(shown_claims(claims), "g"), "", "## Figures", ""]
    return "\n".join(lines + figure_lines(captioned(results), "figures"))


def held(rows: pd.DataFrame) -> str:
    """'h of n hold, f fail, u undecided' over claim rows."""
    counts = rows["outcome"].value_counts()
    return (f"{counts.get('holds', 0)} of {len(rows)} hold, {counts.get('fails', 0)} fail, "
            f"{counts.get('undecided', 0)} undecided")


def paper_lines(claims: pd.DataFrame) -> list[str]:
    """One line per paper (and one for the checks the papers imply): its claims' verdicts
    (a claim on each corpus counts once per corpus) and how many held per experiment."""
    rows = claim_rows(claims)
    papers = {e.id: e.paper for e in REGISTRY}
    lines = []
    for paper in dict.fromkeys(papers.values()):
        mine = rows[rows["experiment"].map(papers) == paper]
        if mine.empty:  # C1's search has no claims
            continue
        each = [f"{e} {int((g['outcome'] == 'holds').sum())} of {len(g)}"
                for e, g in mine.groupby("experiment", sort=True)]
        lines.append(f"- **{paper}**: {held(mine)} ({', '.join(each)})")
    implied = rows[~rows["experiment"].isin(papers)]
    if len(implied):
        lines.append(f"- **Checks the papers imply**: {held(implied)}")
    return lines


def block(results: Path, claims: pd.DataFrame) -> str:
    """README's results block."""
    counts = summary(results).splitlines()[:2]
    front = [(n, c) for n, c in captioned(results) if n in FRONT]
    lines = [START, "", "Generated from the default run's outputs by `snakemake --cores 2 readme`; every claim "
             "with its test and interval, and every figure: [docs/results.md](docs/results.md).", "",
             "```", *counts, "```", "", *paper_lines(claims), ""]
    return "\n".join(lines + figure_lines(front, "docs/figures") + [END])


def main(results: Path, repo: Path = REPO) -> None:
    claims = pd.read_parquet(results / "tables" / "claims.parquet")
    docs = repo / "docs"
    save_claims_csv(claims, docs / "claims-default.csv")  # the scorecard's default column
    copy_figures(results, docs)
    (docs / "results.md").write_text(page(results, claims) + "\n")
    replace_between(repo / "README.md", START, END, block(results, claims))
    print(f"{docs / 'results.md'} and README's results block written from {results}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "results")
