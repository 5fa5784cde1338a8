# textvae: the experiments of the beta_C-VAE (Prokhorov et al. 2019) and AutoGen
# (Mansbridge et al. 2018) papers, on built-in or real corpora.  See README.md.
from snakemake.utils import min_version

min_version("9.0")


# A config given on the command line (--configfile a.yaml [b.yaml ...], merged in that order)
# is the run's whole config; config.yaml is read only when none is given.  Keys a config leaves
# out take the schema's defaults (workflow/schemas/config.schema.yaml).
if not workflow.overwrite_configfiles:

    configfile: "config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/data.smk"
include: "workflow/rules/train.smk"
include: "workflow/rules/evaluate.smk"
include: "workflow/rules/decode.smk"
include: "workflow/rules/fce.smk"
include: "workflow/rules/syntax.smk"
include: "workflow/rules/choose_c.smk"
include: "workflow/rules/report.smk"


rule all:
    default_target: True
    input:
        rules.tables.input,
        rules.figures.input,
    localrule: True
