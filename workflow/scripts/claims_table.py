"""The claims check: every claim of SPEC for every corpus it applies to, decided by the rules
of textvae.claims from the experiments' tables; a short summary for the terminal."""

import pandas as pd

from textvae.claims import CHECKS, implied, summary
from textvae.scripting import run
from textvae.tables import write_table, write_text


def main(smk):
    rows = []
    for experiment, path in zip(smk.params.experiments, smk.input.tables):
        rows += CHECKS[experiment](pd.read_parquet(path))
    if smk.input.summaries:
        rows += implied(pd.concat([pd.read_parquet(p) for p in smk.input.summaries], ignore_index=True))
    claims = pd.DataFrame(rows)
    write_table(claims, smk.output.parquet, smk.output.md, smk.params.title)
    text = summary(claims)
    write_text(text + "\n", smk.output.summary)
    print(text)


if "snakemake" in globals():
    run(main, snakemake)  # noqa: F821
