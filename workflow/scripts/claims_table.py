"""The claims check: each experiment's claims (textvae.experiments) from its tables, then the
implied checks on the runs no experiment's rate claim covers; each claim once, the false
discovery control over the run's comparisons, and a short summary for the terminal."""

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
    rate_claims = {EXPERIMENTS[experiment].rate_claim for experiment in smk.params.experiments}
    covered = {cell for row in rows if row["claim"] in rate_claims for cell in row["cells"]}
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
