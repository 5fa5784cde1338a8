# One training job per cell (corpus x model); what the cell needs beside model.pt to be used
# alone (its card); B1's tables: the AutoGen training curves and the models' evaluation.


rule train:
    input:
        train=f"{RESULTS}/data/{{corpus}}/train.parquet",
        valid=f"{RESULTS}/data/{{corpus}}/valid.parquet",
        vocab=f"{RESULTS}/data/{{corpus}}/vocab.parquet",
    output:
        model=f"{RESULTS}/models/{{corpus}}/{{model}}/model.pt",
        history=f"{RESULTS}/models/{{corpus}}/{{model}}/history.parquet",
        held_out=f"{RESULTS}/models/{{corpus}}/{{model}}/held_out.parquet",
    log:
        f"{RESULTS}/logs/train/{{corpus}}/{{model}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/train/{{corpus}}/{{model}}.tsv"
    # every training job before the jobs that read models: the last cell trained is then not
    # the run's tail, alone on one core while the others wait for it
    priority: 1
    conda:
        "../../envs/textvae.yaml"
    threads: config["threads"]
    resources:
        gpu=1,
    params:
        settings=cell_settings,
    script:
        "../scripts/train.py"


rule model_card:
    input:
        unpack(card_summary),
        model=rules.train.output.model,
        history=rules.train.output.history,
        train=f"{RESULTS}/data/{{corpus}}/train.parquet",
        vocab=f"{RESULTS}/data/{{corpus}}/vocab.parquet",
    output:
        vocab=f"{RESULTS}/models/{{corpus}}/{{model}}/vocab.parquet",
        card=f"{RESULTS}/models/{{corpus}}/{{model}}/card.json",
    log:
        f"{RESULTS}/logs/model_card/{{corpus}}/{{model}}.log",
    localrule: True
    conda:
        "../../envs/textvae.yaml"
    params:
        corpus=corpus_entry,
        decoding=DECODING,
        evaluation=config["evaluation"],
    script:
        "../scripts/model_card.py"


rule table_autogen_training:
    input:
        histories=cell_files("B1", "{results}/models/{corpus}/{model}/history.parquet"),
        held_out=cell_files("B1", "{results}/models/{corpus}/{model}/held_out.parquet"),
    output:
        parquet=f"{RESULTS}/tables/autogen_training.parquet",
        bootstrap=f"{RESULTS}/tables/autogen_training_bootstrap.parquet",
        md=report(f"{RESULTS}/tables/autogen_training.md", **report_item("B1", "autogen_training.md")),
    log:
        f"{RESULTS}/logs/tables/autogen_training.log",
    localrule: True
    conda:
        "../../envs/textvae.yaml"
    params:
        **BOOTSTRAP,
        cells=cells_of("B1"),
        title="B1 (Mansbridge et al. 2018, Fig. 2): KL share of the objective and ELBO over training; "
        "the KL share is 100 KL / ((1 + m)(-reconstruction) + KL) for every model, the annealed VAE's "
        "with its full KL (its KL weight, below 1 while it anneals, is the column kl_weight)",
    script:
        "../scripts/history_table.py"


rule table_autogen_evaluation:
    input:
        **evaluations("B1"),
    output:
        parquet=f"{RESULTS}/tables/autogen_evaluation.parquet",
        bootstrap=f"{RESULTS}/tables/autogen_evaluation_bootstrap.parquet",
        md=report(f"{RESULTS}/tables/autogen_evaluation.md", **report_item("B1", "autogen_evaluation.md")),
    log:
        f"{RESULTS}/logs/tables/autogen_evaluation.log",
    localrule: True
    conda:
        "../../envs/textvae.yaml"
    params:
        columns=[
            "corpus",
            "model",
            "objective",
            "m",
            "anneal",
            "rate",
            "distortion",
            "elbo",
            "mi",
            "active_units",
            "n_sentences",
        ],
        title="B1: the AutoGen models and the VAEs on the test set, the evidence of B1's claims on their KL "
        "share and ELBO (rate R, distortion D, ELBO = -(D + R) in nats per sentence)",
    script:
        "../scripts/summary_table.py"
