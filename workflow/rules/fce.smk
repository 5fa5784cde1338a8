# A5, forward cross entropy: synthetic corpora decoded from z ~ p(z), a vocabulary per training
# corpus and decoding scheme, and one LSTM language model per (cell, scheme, seed).


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
        n=lambda w: experiment_settings("A5").get("sentences"),
        dim=lambda w: tvconfig.latent_size(config, "A5", w.corpus),
        seed=lambda w: int(w.seed),
    script:
        "../scripts/prior_draws.py"


rule fce_generate:
    input:
        model=f"{R}/models/{{corpus}}/{{model}}/model.pt",
        vocab=f"{R}/data/{{corpus}}/vocab.parquet",
        priors=lambda w: [f"{R}/fce/{w.corpus}/prior_seed{seed}.parquet" for seed in experiment_settings("A5")["seeds"]],
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
        schemes=lambda w: schemes(experiment_settings("A5")["schemes"]),
        seeds=lambda w: experiment_settings("A5")["seeds"],
        batch_size=DECODING.get("batch_size"),
        cell="{corpus}/{model}",
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
        settings=lambda w: tvconfig.fce_lm_params(config, w.corpus, w.model, int(w.seed)),
        self_bleu_sample=lambda w: experiment_settings("A5")["self_bleu_sample"],
        batch_size=config["evaluation"]["batch_size"],
        run="{corpus}/{model}/{scheme}/seed{seed}",
    script:
        "../scripts/fce_lm.py"
