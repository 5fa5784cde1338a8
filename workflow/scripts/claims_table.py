"""The claims check: every claim of the papers for every corpus it applies to, decided by the
rules the registry (textvae.experiments) names, from the experiments' tables, then the implied
checks; each claim once, the run's comparisons under the false discovery control, and a short
summary for the terminal."""

from pathlib import Path

import pandas as pd

from textvae.claims import family, once, summary
from textvae.claims.implied import implied
from textvae.experiments import EXPERIMENTS
from textvae.scripting import run
from textvae.tables import write_table, write_text


def _read(paths) -> pd.DataFrame:
    return pd.concat([pd.read_parquet(p) for p in paths], ignore_index=True)


def main(smk):
    tables = {Path(path).name.removesuffix(".parquet"): pd.read_parquet(path) for path in smk.input.tables}
    rows = []
    for experiment in smk.params.experiments:
        rows += EXPERIMENTS[experiment].claims(tables, schemes=smk.params.schemes, margins=smk.params.margins)
    covered = {cell for row in rows if row["claim"].endswith(".rate_on_target") for cell in row["cells"].split(", ")}
    if smk.input.summaries:
        rows += implied({"summaries": _read(smk.input.summaries), "bootstrap": _read(smk.input.bootstrap)}, covered)
    rows, dropped = once(rows)
    claims = family(pd.DataFrame(rows))
    write_table(claims, smk.output.parquet, smk.output.md, smk.params.title)
    text = summary(claims, dropped)
    write_text(text + "\n", smk.output.summary)
    print(text)


if "snakemake" in globals():
    run(main, snakemake)  # noqa: F821
