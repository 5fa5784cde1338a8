"""Write README's "Results" section from a run's outputs: the claims summary and table, and
the main figures copied to docs/figures/; the claims' outcomes to docs/claims-default.csv (the
default column of docs/results-real.md's scorecard).  Run by `snakemake --cores 2 readme` (or
`python3 workflow/scripts/readme_results.py [results folder]`); only the text between the
two markers in README.md is replaced."""

import shutil
import sys
from pathlib import Path

import pandas as pd

from textvae.experiments import REGISTRY
from textvae.pages import replace_between, save_claims_csv, shown_claims
from textvae.tables import markdown

REPO = Path(__file__).resolve().parents[2]
START, END = "<!-- results:start -->", "<!-- results:end -->"


def section(results: Path) -> str:
    claims = pd.read_parquet(results / "tables" / "claims.parquet")
    save_claims_csv(claims, REPO / "docs" / "claims-default.csv")  # the scorecard's default column
    lines = [START, "",
             "Generated from the default run's outputs by `snakemake --cores 2 readme` "
             "(`workflow/scripts/readme_results.py`); do not edit by hand.", "",
             "```", (results / "tables" / "claims_summary.txt").read_text().rstrip(), "```", "",
             markdown(shown_claims(claims), "g"), ""]
    figures = REPO / "docs" / "figures"
    figures.mkdir(parents=True, exist_ok=True)
    for name, caption in ((f.name, f.caption) for e in REGISTRY for f in e.figures if f.caption):
        png = results / "figures" / f"{name}.png"
        if png.exists():
            shutil.copyfile(png, figures / png.name)
            lines += [f"**{caption}**", "", f"![{caption}](docs/figures/{png.name})", ""]
    return "\n".join(lines + [END])


def main(results: Path) -> None:
    replace_between(REPO / "README.md", START, END, section(results))
    print(f"README.md: Results written from {results}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "results")
