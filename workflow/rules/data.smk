# Corpora: built-in grammar samples or real files -> Parquet splits and the vocabulary.


rule download:
    output:
        f"{R}/downloads/{{corpus}}/{{filename}}",
    log:
        f"{R}/logs/download/{{corpus}}/{{filename}}.log",
    conda:
        "../../envs/textvae.yaml"
    params:
        url=lambda w: config["corpora"][w.corpus]["url"],
        sha256=lambda w: config["corpora"][w.corpus]["sha256"],
    script:
        "../scripts/download.py"


rule prepare_corpus:
    input:
        corpus_inputs,
    output:
        train=f"{R}/data/{{corpus}}/train.parquet",
        valid=f"{R}/data/{{corpus}}/valid.parquet",
        test=f"{R}/data/{{corpus}}/test.parquet",
        vocab=f"{R}/data/{{corpus}}/vocab.parquet",
    log:
        f"{R}/logs/data/{{corpus}}.log",
    benchmark:
        f"{R}/benchmarks/data/{{corpus}}.tsv"
    conda:
        "../../envs/textvae.yaml"
    params:
        corpus=corpus_entry,
        name="{corpus}",
    script:
        "../scripts/prepare_corpus.py"
