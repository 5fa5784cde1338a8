# One training job per cell (corpus x model).


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
        cell="{corpus}/{model}",
    script:
        "../scripts/train.py"
