# A5, forward cross entropy: synthetic corpora decoded from z ~ p(z), a vocabulary per training
# corpus and decoding scheme, one LSTM language model per (cell, scheme, seed), and the table.


A5 = config["experiments"].get("A5", {"corpora": [], "schemes": [], "seeds": []})
# (corpus, model, scheme, seed) of every language model; (corpus, scheme) of every shared vocabulary
FCE_RUNS = [(c, m, s, seed) for c, m in cells_of("A5") for s in A5["schemes"] for seed in A5["seeds"]]
FCE_VOCABS = [(c, s) for c in A5["corpora"] for s in A5["schemes"]]
SYNTHETIC = f"{RESULTS}/fce/{{corpus}}/{{model}}/synthetic/{{scheme}}_seed{{seed}}.parquet"


rule fce_prior:
    input:
        test=f"{RESULTS}/data/{{corpus}}/test.parquet",
    output:
        f"{RESULTS}/fce/{{corpus}}/prior_seed{{seed}}.parquet",
    log:
        f"{RESULTS}/logs/fce/{{corpus}}/prior_seed{{seed}}.log",
    localrule: True
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
        model=f"{RESULTS}/models/{{corpus}}/{{model}}/model.pt",
        vocab=f"{RESULTS}/data/{{corpus}}/vocab.parquet",
        priors=lambda w: [f"{RESULTS}/fce/{w.corpus}/prior_seed{seed}.parquet" for seed in A5["seeds"]],
    output:
        [
            SYNTHETIC.format(corpus="{corpus}", model="{model}", scheme=s, seed=seed)
            for s in A5["schemes"]
            for seed in A5["seeds"]
        ],
    log:
        f"{RESULTS}/logs/fce/{{corpus}}/{{model}}_generate.log",
    benchmark:
        f"{RESULTS}/benchmarks/fce_generate/{{corpus}}/{{model}}.tsv"
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
        lambda w: [
            SYNTHETIC.format(corpus=c, model=m, scheme=s, seed=seed)
            for c, m, s, seed in FCE_RUNS
            if (c, s) == (w.corpus, w.scheme)
        ],
    output:
        f"{RESULTS}/fce/{{corpus}}/vocab_{{scheme}}.parquet",
    log:
        f"{RESULTS}/logs/fce/{{corpus}}/vocab_{{scheme}}.log",
    localrule: True
    conda:
        "../../envs/textvae.yaml"
    script:
        "../scripts/fce_vocab.py"


rule fce_lm:
    input:
        synthetic=f"{RESULTS}/fce/{{corpus}}/{{model}}/synthetic/{{scheme}}_seed{{seed}}.parquet",
        vocab=f"{RESULTS}/fce/{{corpus}}/vocab_{{scheme}}.parquet",
        test=f"{RESULTS}/data/{{corpus}}/test.parquet",
    output:
        model=f"{RESULTS}/fce/{{corpus}}/{{model}}/lm/{{scheme}}_seed{{seed}}/model.pt",
        metrics=f"{RESULTS}/fce/{{corpus}}/{{model}}/lm/{{scheme}}_seed{{seed}}/metrics.parquet",
    log:
        f"{RESULTS}/logs/fce/{{corpus}}/{{model}}/{{scheme}}_seed{{seed}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/fce_lm/{{corpus}}/{{model}}/{{scheme}}_seed{{seed}}.tsv"
    conda:
        "../../envs/textvae.yaml"
    threads: config["threads"]
    resources:
        gpu=1,
    params:
        settings=lambda w: asdict(
            tvconfig.lm_settings(
                config,
                w.corpus,
                w.model,
                int(w.seed),
                registry.EXPERIMENTS["A5"].lm_overrides(experiment_config("A5")),
            )
        ),
        self_bleu_sample=setting("A5", "self_bleu_sample"),
        batch_size=config["evaluation"]["batch_size"],
    script:
        "../scripts/fce_lm.py"


rule table_fce:
    input:
        metrics=[f"{RESULTS}/fce/{c}/{m}/lm/{s}_seed{seed}/metrics.parquet" for c, m, s, seed in FCE_RUNS],
        vocabs=[f"{RESULTS}/fce/{c}/vocab_{g}.parquet" for c, g in FCE_VOCABS],
        tests=[f"{RESULTS}/data/{c}/test.parquet" for c in A5["corpora"]],
        corpus_vocabs=[f"{RESULTS}/data/{c}/vocab.parquet" for c in A5["corpora"]],
    output:
        parquet=f"{RESULTS}/tables/fce.parquet",
        lms=f"{RESULTS}/tables/fce_lms.parquet",
        md=report(f"{RESULTS}/tables/fce.md", **report_item("A5", "fce.md")),
    log:
        f"{RESULTS}/logs/tables/fce.log",
    localrule: True
    conda:
        "../../envs/textvae.yaml"
    params:
        vocab_groups=FCE_VOCABS,
        test_corpora=A5["corpora"],
        self_bleu_sample=A5.get("self_bleu_sample"),
        title="A5 (Prokhorov et al. 2019, Table 3): forward cross entropy, the test NLL per sentence "
        "of LSTM LMs trained on synthetic corpora (mean and std over seeds); vocab_size: the "
        "vocabulary the scheme's LMs share; types, % unk, mean length, self-BLEU-4 of the synthetic "
        "corpora; test_pct_unk: % of the real test set's tokens outside the vocabulary "
        "(test_pct_unk_corpus: outside the corpus's own vocabulary); entropy: "
        "the true H of a built-in test set",
    script:
        "../scripts/fce_table.py"
