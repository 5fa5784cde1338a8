# One training job per cell (corpus x model); what the cell needs beside model.pt to be used
# alone (its card); B1's table of the AutoGen training curves.


rule train:
    input:
        train=f"{R}/data/{{corpus}}/train.parquet",
        valid=f"{R}/data/{{corpus}}/valid.parquet",
        vocab=f"{R}/data/{{corpus}}/vocab.parquet",
    output:
        model=f"{R}/models/{{corpus}}/{{model}}/model.pt",
        history=f"{R}/models/{{corpus}}/{{model}}/history.parquet",
    log:
        f"{R}/logs/train/{{corpus}}/{{model}}.log",
    benchmark:
        f"{R}/benchmarks/train/{{corpus}}/{{model}}.tsv"
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
        train=f"{R}/data/{{corpus}}/train.parquet",
        vocab=f"{R}/data/{{corpus}}/vocab.parquet",
    output:
        vocab=f"{R}/models/{{corpus}}/{{model}}/vocab.parquet",
        card=f"{R}/models/{{corpus}}/{{model}}/card.json",
    log:
        f"{R}/logs/model_card/{{corpus}}/{{model}}.log",
    localrule: True
    conda:
        "../../envs/textvae.yaml"
    params:
        corpus=corpus_entry,
        decoding=DECODING,
    script:
        "../scripts/model_card.py"


rule table_autogen_training:
    input:
        cell_files("B1", "{R}/models/{corpus}/{model}/history.parquet"),
    output:
        parquet=f"{R}/tables/autogen_training.parquet",
        md=report(f"{R}/tables/autogen_training.md", **report_item("B1", "autogen_training.md")),
    log:
        f"{R}/logs/tables/autogen_training.log",
    conda:
        "../../envs/textvae.yaml"
    params:
        cells=cells_of("B1"),
        title="B1 (Mansbridge et al. 2018, Fig. 2): KL share of the objective and ELBO over training; "
        "the KL share is 100 KL / ((1 + m)(-reconstruction) + KL) for every model, the annealed VAE's "
        "with its full KL (its KL weight, below 1 while it anneals, is the column kl_weight)",
    script:
        "../scripts/history_table.py"
