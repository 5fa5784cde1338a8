# Posterior statistics and likelihood bounds of each cell on its corpus's test split.


rule evaluate:
    input:
        model=f"{R}/models/{{corpus}}/{{model}}/model.pt",
        test=f"{R}/data/{{corpus}}/test.parquet",
        vocab=f"{R}/data/{{corpus}}/vocab.parquet",
    output:
        summary=f"{R}/eval/{{corpus}}/{{model}}/summary.parquet",
        bootstrap=f"{R}/eval/{{corpus}}/{{model}}/bootstrap.parquet",
    log:
        f"{R}/logs/evaluate/{{corpus}}/{{model}}.log",
    benchmark:
        f"{R}/benchmarks/evaluate/{{corpus}}/{{model}}.tsv"
    conda:
        "../../envs/textvae.yaml"
    threads: config["threads"]
    resources:
        gpu=1,
    params:
        evaluation=config["evaluation"],
        replicates=config["bootstrap"]["replicates"],
        cell="{corpus}/{model}",
    script:
        "../scripts/evaluate.py"
