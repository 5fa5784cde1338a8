# A5, forward cross entropy: synthetic corpora decoded from z ~ p(z), a vocabulary per training
# corpus and decoding scheme, one LSTM language model per (cell, scheme, seed), and the table.


rule fce_prior:
    input:
        test=f"{R}/data/{{corpus}}/test.parquet",
    output:
        f"{R}/fce/{{corpus}}/prior_seed{{seed}}.parquet",
    log:
        f"{R}/logs/fce/{{corpus}}/prior_seed{{seed}}.log",
    conda:
        "../../envs/textvae.yaml"
    params:
        n=setting("A5", "sentences", optional=True),
        dim=lambda w: tvconfig.latent_size(config, "A5", w.corpus),
        seed=lambda w: int(w.seed),
    script:
        "../scripts/prior_draws.py"


rule fce_generate:
    input:
        model=f"{R}/models/{{corpus}}/{{model}}/model.pt",
        vocab=f"{R}/data/{{corpus}}/vocab.parquet",
        priors=lambda w: [f"{R}/fce/{w.corpus}/prior_seed{seed}.parquet" for seed in experiment_config("A5")["seeds"]],
    output:
        fce_synthetic("{corpus}", "{model}"),
    log:
        f"{R}/logs/fce/{{corpus}}/{{model}}_generate.log",
    benchmark:
        f"{R}/benchmarks/fce_generate/{{corpus}}/{{model}}.tsv"
    conda:
        "../../envs/textvae.yaml"
    threads: config["threads"]
    resources:
        gpu=1,
    params:
        schemes=setting("A5", "schemes", schemes),
        seeds=setting("A5", "seeds"),
        batch_size=DECODING.get("batch_size"),
    script:
        "../scripts/fce_generate.py"


rule fce_vocab:
    input:
        fce_vocab_inputs,
    output:
        f"{R}/fce/{{corpus}}/vocab_{{scheme}}.parquet",
    log:
        f"{R}/logs/fce/{{corpus}}/vocab_{{scheme}}.log",
    conda:
        "../../envs/textvae.yaml"
    script:
        "../scripts/fce_vocab.py"


rule fce_lm:
    input:
        synthetic=f"{R}/fce/{{corpus}}/{{model}}/synthetic/{{scheme}}_seed{{seed}}.parquet",
        vocab=f"{R}/fce/{{corpus}}/vocab_{{scheme}}.parquet",
        test=f"{R}/data/{{corpus}}/test.parquet",
    output:
        model=f"{R}/fce/{{corpus}}/{{model}}/lm/{{scheme}}_seed{{seed}}/model.pt",
        metrics=f"{R}/fce/{{corpus}}/{{model}}/lm/{{scheme}}_seed{{seed}}/metrics.parquet",
    log:
        f"{R}/logs/fce/{{corpus}}/{{model}}/{{scheme}}_seed{{seed}}.log",
    benchmark:
        f"{R}/benchmarks/fce_lm/{{corpus}}/{{model}}/{{scheme}}_seed{{seed}}.tsv"
    conda:
        "../../envs/textvae.yaml"
    threads: config["threads"]
    resources:
        gpu=1,
    params:
        settings=fce_lm_settings,
        self_bleu_sample=setting("A5", "self_bleu_sample"),
        batch_size=config["evaluation"]["batch_size"],
    script:
        "../scripts/fce_lm.py"


A5_CORPORA = config["experiments"].get("A5", {}).get("corpora", [])


rule table_fce:
    input:
        metrics=[f"{R}/fce/{c}/{m}/lm/{s}_seed{seed}/metrics.parquet" for c, m, s, seed in fce_runs()],
        vocabs=[f"{R}/fce/{c}/vocab_{g}.parquet" for c, g in fce_vocab_groups()],
        tests=[f"{R}/data/{c}/test.parquet" for c in A5_CORPORA],
        corpus_vocabs=[f"{R}/data/{c}/vocab.parquet" for c in A5_CORPORA],
    output:
        parquet=f"{R}/tables/fce.parquet",
        lms=f"{R}/tables/fce_lms.parquet",
        md=report(f"{R}/tables/fce.md", **report_item("A5", "fce.md")),
    log:
        f"{R}/logs/tables/fce.log",
    conda:
        "../../envs/textvae.yaml"
    params:
        vocab_groups=fce_vocab_groups(),
        test_corpora=A5_CORPORA,
        self_bleu_sample=config["experiments"].get("A5", {}).get("self_bleu_sample"),
        title="A5 (Prokhorov et al. 2019, Table 3): forward cross entropy, the test NLL per sentence "
        "of LSTM LMs trained on synthetic corpora (mean and std over seeds); vocab_size: the "
        "vocabulary the scheme's LMs share; types, % unk, mean length, self-BLEU-4 of the synthetic "
        "corpora; test_pct_unk: % of the real test set's tokens outside the vocabulary "
        "(test_pct_unk_corpus: outside the corpus's own vocabulary); entropy: "
        "the true H of a built-in test set",
    script:
        "../scripts/fce_table.py"
