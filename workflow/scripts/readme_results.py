"""Write README's "Results" section from a run's outputs: the claims summary and table, and
the main figures copied to docs/figures/.  Run by `snakemake --cores 2 readme` (or
`python3 workflow/scripts/readme_results.py [results folder]`); only the text between the
two markers in README.md is replaced."""

import shutil
import sys
from pathlib import Path

import pandas as pd

from textvae.experiments import REGISTRY

REPO = Path(__file__).resolve().parents[2]
START, END = "<!-- results:start -->", "<!-- results:end -->"


def shown(claims: pd.DataFrame) -> pd.DataFrame:
    """The claims as README shows them: each claim once (A6's categories are in the table), its
    outcome and, where the false discovery control changes it, that outcome, the comparison that
    decided it with its estimate, interval and p-value, the unit resampled, the test, and the
    evidence with the reason."""
    head = claims[claims["parent"] == ""]
    outcome = [o if o == f else f"{o} ({f} under FDR)" for o, f in zip(head["outcome"], head["outcome_fdr"])]
    interval = ["" if pd.isna(e) else f"{e:.3g} [{lo:.3g}, {hi:.3g}]"
                for e, lo, hi in zip(head["estimate"], head["lo"], head["hi"])]
    evidence = [f"{e}; {r}" if r else e for e, r in zip(head["evidence"], head["reason"])]
    return pd.DataFrame(dict(claim=head["claim"], corpus=head["corpus"], outcome=outcome,
                             comparison=head["comparison"], estimate=interval,
                             p=["" if pd.isna(p) else f"{p:.2g}" for p in head["p_value"]],
                             unit=[f"{u} ({n})" if n else u for u, n in zip(head["unit"], head["n_units"])],
                             test=head["test"], evidence=evidence))


def section(results: Path) -> str:
    claims = pd.read_parquet(results / "tables" / "claims.parquet")
    lines = [START, "",
             "Generated from the default run's outputs by `snakemake --cores 2 readme` "
             "(`workflow/scripts/readme_results.py`); do not edit by hand.", "",
             "```", (results / "tables" / "claims_summary.txt").read_text().rstrip(), "```", "",
             shown(claims).to_markdown(index=False), ""]
    figures = REPO / "docs" / "figures"
    figures.mkdir(parents=True, exist_ok=True)
    for name, caption in ((f.name, f.caption) for e in REGISTRY for f in e.figures if f.caption):
        png = results / "figures" / f"{name}.png"
        if png.exists():
            shutil.copyfile(png, figures / png.name)
            lines += [f"**{caption}**", "", f"![{caption}](docs/figures/{png.name})", ""]
    return "\n".join(lines + [END])


def main(results: Path) -> None:
    readme = REPO / "README.md"
    text = readme.read_text()
    head, rest = text.split(START, 1)
    tail = rest.split(END, 1)[1]
    readme.write_text(head + section(results) + tail)
    print(f"README.md: Results written from {results}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "results")
