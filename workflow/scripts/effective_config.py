"""The run's effective config, as the jobs received it: the config file given (or config.yaml),
every key it leaves out filled from the schema's defaults; rewritten when any of it changes."""

import yaml

from textvae.scripting import run
from textvae.tables import write_text


def main(smk):
    write_text(yaml.safe_dump(smk.params.config, sort_keys=False), smk.output[0])
    print(f"effective config written to {smk.output[0]}")


if "snakemake" in globals():
    run(main, snakemake)  # noqa: F821
