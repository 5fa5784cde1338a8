# Corpora: built-in grammar samples or real files -> Parquet splits and the vocabulary.


rule download:
    output:
        f"{RESULTS}/downloads/{{corpus}}/{{filename}}",
    log:
        f"{RESULTS}/logs/download/{{corpus}}/{{filename}}.log",
    localrule: True
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
        train=f"{RESULTS}/data/{{corpus}}/train.parquet",
        valid=f"{RESULTS}/data/{{corpus}}/valid.parquet",
        test=f"{RESULTS}/data/{{corpus}}/test.parquet",
        vocab=f"{RESULTS}/data/{{corpus}}/vocab.parquet",
    log:
        f"{RESULTS}/logs/data/{{corpus}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/data/{{corpus}}.tsv"
    conda:
        "../../envs/textvae.yaml"
    params:
        corpus=corpus_entry,
        name="{corpus}",
    script:
        "../scripts/prepare_corpus.py"
