"""The claims check: every claim of the papers for every corpus it applies to, decided by the
rules of textvae.claims that the registry (textvae.experiments) names, from the experiments'
tables and their bootstrap companions; a short summary for the terminal."""

import pandas as pd

from textvae import claims as rules
from textvae.claims import implied, summary
from textvae.experiments import EXPERIMENTS
from textvae.scripting import run
from textvae.tables import write_table, write_text


def _read(paths) -> pd.DataFrame:
    return pd.concat([pd.read_parquet(p) for p in paths], ignore_index=True)


def main(smk):
    noise = {e: pd.read_parquet(p) for e, p in zip(smk.params.noisy, smk.input.noise)}
    rows = []
    for experiment, path in zip(smk.params.experiments, smk.input.tables):
        check = getattr(rules, EXPERIMENTS[experiment].claims)
        rows += check(pd.read_parquet(path), noise.get(experiment), schemes=smk.params.schemes)
    if smk.input.summaries:
        rows += implied(_read(smk.input.summaries), _read(smk.input.bootstrap))
    claims = pd.DataFrame(rows)
    write_table(claims, smk.output.parquet, smk.output.md, smk.params.title)
    text = summary(claims)
    write_text(text + "\n", smk.output.summary)
    print(text)


if "snakemake" in globals():
    run(main, snakemake)  # noqa: F821
