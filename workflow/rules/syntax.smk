# A6: minimal pairs (Marvin & Linzen 2018) scored by every cell of the experiment.


rule syntax_pairs:
    input:
        syntax_pair_files,
    output:
        f"{R}/syntax/pairs.parquet",
    log:
        f"{R}/logs/syntax/pairs.log",
    conda:
        "../../envs/textvae.yaml"
    params:
        source=lambda w: experiment_settings("A6")["pairs"],
        per_subcase=lambda w: experiment_settings("A6")["per_subcase"],
        seed=lambda w: experiment_settings("A6")["seed"],
    script:
        "../scripts/syntax_pairs.py"


rule syntax_scores:
    input:
        model=f"{R}/models/{{corpus}}/{{model}}/model.pt",
        vocab=f"{R}/data/{{corpus}}/vocab.parquet",
        pairs=f"{R}/syntax/pairs.parquet",
    output:
        f"{R}/syntax/{{corpus}}/{{model}}/scores.parquet",
    log:
        f"{R}/logs/syntax/{{corpus}}/{{model}}.log",
    benchmark:
        f"{R}/benchmarks/syntax/{{corpus}}/{{model}}.tsv"
    conda:
        "../../envs/textvae.yaml"
    threads: config["threads"]
    resources:
        gpu=1,
    params:
        batch_size=config["evaluation"]["batch_size"],
        cell="{corpus}/{model}",
    script:
        "../scripts/syntax_scores.py"
