# Posterior statistics and likelihood bounds of each cell on its corpus's test split; the tables
# of the experiments that read them: A1 (rate-distortion, and its training curves) and A3.


rule evaluate:
    input:
        model=f"{RESULTS}/models/{{corpus}}/{{model}}/model.pt",
        test=f"{RESULTS}/data/{{corpus}}/test.parquet",
        vocab=f"{RESULTS}/data/{{corpus}}/vocab.parquet",
    output:
        summary=f"{RESULTS}/eval/{{corpus}}/{{model}}/summary.parquet",
        bootstrap=f"{RESULTS}/eval/{{corpus}}/{{model}}/bootstrap.parquet",
    log:
        f"{RESULTS}/logs/evaluate/{{corpus}}/{{model}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/evaluate/{{corpus}}/{{model}}.tsv"
    conda:
        "../../envs/textvae.yaml"
    threads: config["threads"]
    resources:
        gpu=1,
    params:
        evaluation=config["evaluation"],
        replicates=config["bootstrap"]["replicates"],
    script:
        "../scripts/evaluate.py"


SUMMARY_COLUMNS = [
    "corpus",
    "model",
    "arch",
    "objective",
    "C",
    "rate",
    "distortion",
    "elbo",
    "logdetcov",
    "mu_norm2",
    "active_units",
    "mi",
    "rate_minus_mi",
    "aggregate_kl",
    "iw_nll",
    "iw_nll_se",
    "iw_sentences",
    "n_sentences",
    "perplexity",
    "entropy",
    "bound_gap",
    "iw_gap",
    "bound_ok",
]


rule table_rate_distortion:
    input:
        **evaluations("A1"),
    output:
        parquet=f"{RESULTS}/tables/rate_distortion.parquet",
        bootstrap=f"{RESULTS}/tables/rate_distortion_bootstrap.parquet",
        md=report(f"{RESULTS}/tables/rate_distortion.md", **report_item("A1", "rate_distortion.md")),
    log:
        f"{RESULTS}/logs/tables/rate_distortion.log",
    localrule: True
    conda:
        "../../envs/textvae.yaml"
    params:
        columns=SUMMARY_COLUMNS,
        title="A1 (Prokhorov et al. 2019, Fig. 1): rate, distortion and posterior statistics per C",
    script:
        "../scripts/summary_table.py"


rule table_rate_training:
    input:
        histories=cell_files("A1", "{results}/models/{corpus}/{model}/history.parquet", largest_c=True),
    output:
        parquet=f"{RESULTS}/tables/rate_training.parquet",
        md=report(f"{RESULTS}/tables/rate_training.md", **report_item("A1", "rate_training.md")),
    log:
        f"{RESULTS}/logs/tables/rate_training.log",
    localrule: True
    conda:
        "../../envs/textvae.yaml"
    params:
        cells=cells_of("A1", largest_c=True),
        title="A1: rate, mutual information and offset ||mean mu||^2 on the held-out sample over "
        "training, for each architecture at the largest C",
    script:
        "../scripts/history_table.py"


rule table_aggregate_posterior:
    input:
        **evaluations("A3"),
    output:
        parquet=f"{RESULTS}/tables/aggregate_posterior.parquet",
        bootstrap=f"{RESULTS}/tables/aggregate_posterior_bootstrap.parquet",
        md=report(f"{RESULTS}/tables/aggregate_posterior.md", **report_item("A3", "aggregate_posterior.md")),
    log:
        f"{RESULTS}/logs/tables/aggregate_posterior.log",
    localrule: True
    conda:
        "../../envs/textvae.yaml"
    params:
        columns=[
            "corpus",
            "model",
            "arch",
            "C",
            "aggregate_kl",
            "rate",
            "mi",
            "rate_minus_mi",
            "logdetcov",
            "mu_norm2",
            "active_units",
            "n_sentences",
        ],
        title="A3 (Prokhorov et al. 2019, Sec. 3.2): KL(q(z) || p(z)) of the aggregated posterior",
    script:
        "../scripts/summary_table.py"
