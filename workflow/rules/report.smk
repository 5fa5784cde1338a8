# Tables and figures of every experiment in the config.

A1_SUMMARIES = cell_files("A1", "{R}/eval/{corpus}/{model}/summary.parquet")
A3_SUMMARIES = cell_files("A3", "{R}/eval/{corpus}/{model}/summary.parquet")
B1_HISTORIES = cell_files("B1", "{R}/models/{corpus}/{model}/history.parquet")
SUMMARY_COLUMNS = ["corpus", "model", "arch", "objective", "C", "rate", "distortion", "elbo",
                   "logdetcov", "mu_norm2", "active_units", "aggregate_kl", "iw_nll", "perplexity",
                   "entropy", "bound_gap", "bound_ok"]


rule table_rate_distortion:
    input:
        A1_SUMMARIES,
    output:
        parquet=f"{R}/tables/rate_distortion.parquet",
        md=f"{R}/tables/rate_distortion.md",
    params:
        columns=SUMMARY_COLUMNS,
        title="A1 (Prokhorov et al. 2019, Fig. 1): rate, distortion and posterior statistics per C",
    log:
        f"{R}/logs/tables/rate_distortion.log",
    conda:
        "../../envs/textvae.yaml"
    script:
        "../scripts/summary_table.py"


rule table_aggregate_posterior:
    input:
        A3_SUMMARIES,
    output:
        parquet=f"{R}/tables/aggregate_posterior.parquet",
        md=f"{R}/tables/aggregate_posterior.md",
    params:
        columns=["corpus", "model", "arch", "C", "aggregate_kl", "rate", "logdetcov", "mu_norm2",
                 "active_units"],
        title="A3 (Prokhorov et al. 2019, Sec. 3.2): KL(q(z) || p(z)) of the aggregated posterior",
    log:
        f"{R}/logs/tables/aggregate_posterior.log",
    conda:
        "../../envs/textvae.yaml"
    script:
        "../scripts/summary_table.py"


rule table_autogen_training:
    input:
        B1_HISTORIES,
    output:
        parquet=f"{R}/tables/autogen_training.parquet",
        md=f"{R}/tables/autogen_training.md",
    params:
        cells=cells_of("B1"),
        title="B1 (Mansbridge et al. 2018, Fig. 2): KL share of the objective and ELBO over training",
    log:
        f"{R}/logs/tables/autogen_training.log",
    conda:
        "../../envs/textvae.yaml"
    script:
        "../scripts/autogen_training_table.py"


# figure -> (the table it is drawn from, the experiment it belongs to)
FIGURES = {
    "rate_distortion": ("rate_distortion", "A1"),
    "logdetcov": ("rate_distortion", "A1"),
    "autogen_training": ("autogen_training", "B1"),
}


rule figure:
    input:
        lambda w: f"{R}/tables/{FIGURES[w.figure][0]}.parquet",
    output:
        png=f"{R}/figures/{{figure}}.png",
        pdf=f"{R}/figures/{{figure}}.pdf",
    params:
        kind="{figure}",
    wildcard_constraints:
        figure="|".join(FIGURES),
    log:
        f"{R}/logs/figures/{{figure}}.log",
    conda:
        "../../envs/textvae.yaml"
    script:
        "../scripts/figure.py"


rule figures:
    input:
        [
            f"{R}/figures/{name}.{ext}"
            for name, (_, experiment) in FIGURES.items()
            if experiment in config["experiments"]
            for ext in ("png", "pdf")
        ],


rule tables:
    input:
        experiment_outputs("A1", expand(f"{R}/tables/rate_distortion.{{ext}}", ext=["parquet", "md"])),
        experiment_outputs("A3", expand(f"{R}/tables/aggregate_posterior.{{ext}}", ext=["parquet", "md"])),
        experiment_outputs("B1", expand(f"{R}/tables/autogen_training.{{ext}}", ext=["parquet", "md"])),
        rules.figures.input,
