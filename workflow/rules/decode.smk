# Decoding with trained cells: reconstructions (A2, B2), homotopies (A4), prior samples (B4)
# and interpolations (B5).  Decoding settings reach the jobs through params.


rule reconstruct:
    input:
        model=f"{R}/models/{{corpus}}/{{model}}/model.pt",
        test=f"{R}/data/{{corpus}}/test.parquet",
        vocab=f"{R}/data/{{corpus}}/vocab.parquet",
    output:
        f"{R}/decode/{{corpus}}/{{model}}/reconstructions_{{experiment}}.parquet",
    log:
        f"{R}/logs/reconstruct/{{corpus}}/{{model}}_{{experiment}}.log",
    benchmark:
        f"{R}/benchmarks/reconstruct/{{corpus}}/{{model}}_{{experiment}}.tsv"
    wildcard_constraints:
        experiment="A2|B2",
    conda:
        "../../envs/textvae.yaml"
    threads: config["threads"]
    resources:
        gpu=1,
    params:
        scheme=lambda w: tvconfig.scheme(config, experiment_settings(w.experiment)["scheme"]),
        z=lambda w: reconstruction_params(w)["z"],
        select=lambda w: reconstruction_params(w)["select"],
        seed=lambda w: reconstruction_params(w)["seed"],
        batch_size=DECODING.get("batch_size"),
        cell="{corpus}/{model}",
    script:
        "../scripts/reconstruct.py"


rule prior_draws:
    output:
        f"{R}/decode/{{corpus}}/prior_{{experiment}}.parquet",
    log:
        f"{R}/logs/prior_draws/{{corpus}}_{{experiment}}.log",
    wildcard_constraints:
        experiment="A4|B4",
    conda:
        "../../envs/textvae.yaml"
    params:
        n=lambda w: prior_size(w.experiment),
        dim=lambda w: tvconfig.latent_size(config, w.experiment, w.corpus),
        seed=lambda w: experiment_settings(w.experiment)["seed"],
    script:
        "../scripts/prior_draws.py"


rule homotopy:
    input:
        model=f"{R}/models/{{corpus}}/{{model}}/model.pt",
        vocab=f"{R}/data/{{corpus}}/vocab.parquet",
        prior=f"{R}/decode/{{corpus}}/prior_A4.parquet",
    output:
        f"{R}/decode/{{corpus}}/{{model}}/homotopy.parquet",
    log:
        f"{R}/logs/homotopy/{{corpus}}/{{model}}.log",
    benchmark:
        f"{R}/benchmarks/homotopy/{{corpus}}/{{model}}.tsv"
    conda:
        "../../envs/textvae.yaml"
    threads: config["threads"]
    resources:
        gpu=1,
    params:
        schemes=lambda w: schemes(experiment_settings("A4")["schemes"]),
        points=lambda w: experiment_settings("A4")["points"],
        seed=lambda w: experiment_settings("A4")["seed"],
        batch_size=DECODING.get("batch_size"),
        cell="{corpus}/{model}",
    script:
        "../scripts/homotopy.py"


rule prior_samples:
    input:
        unpack(judge_inputs),
        model=f"{R}/models/{{corpus}}/{{model}}/model.pt",
        vocab=f"{R}/data/{{corpus}}/vocab.parquet",
        prior=f"{R}/decode/{{corpus}}/prior_B4.parquet",
    output:
        f"{R}/decode/{{corpus}}/{{model}}/prior_samples.parquet",
    log:
        f"{R}/logs/prior_samples/{{corpus}}/{{model}}.log",
    benchmark:
        f"{R}/benchmarks/prior_samples/{{corpus}}/{{model}}.tsv"
    conda:
        "../../envs/textvae.yaml"
    threads: config["threads"]
    resources:
        gpu=1,
    params:
        scheme=lambda w: tvconfig.scheme(config, experiment_settings("B4")["scheme"]),
        split_at=lambda w: experiment_settings("B4")["split_at"],
        grammar=lambda w: config["corpora"][w.corpus].get("grammar"),
        seed=lambda w: experiment_settings("B4")["seed"],
        batch_size=DECODING.get("batch_size"),
        cell="{corpus}/{model}",
    script:
        "../scripts/prior_samples.py"


rule interpolate:
    input:
        model=f"{R}/models/{{corpus}}/{{model}}/model.pt",
        test=f"{R}/data/{{corpus}}/test.parquet",
        vocab=f"{R}/data/{{corpus}}/vocab.parquet",
    output:
        f"{R}/decode/{{corpus}}/{{model}}/interpolation.parquet",
    log:
        f"{R}/logs/interpolate/{{corpus}}/{{model}}.log",
    benchmark:
        f"{R}/benchmarks/interpolate/{{corpus}}/{{model}}.tsv"
    conda:
        "../../envs/textvae.yaml"
    threads: config["threads"]
    resources:
        gpu=1,
    params:
        schemes=lambda w: schemes([experiment_settings("B5")["scheme"]]),
        steps=lambda w: experiment_settings("B5")["steps"],
        interpolations=lambda w: experiment_settings("B5")["interpolations"],
        min_len=lambda w: experiment_settings("B5")["min_len"],
        max_len=lambda w: experiment_settings("B5")["max_len"],
        seed=lambda w: experiment_settings("B5")["seed"],
        batch_size=DECODING.get("batch_size"),
        cell="{corpus}/{model}",
    script:
        "../scripts/interpolate.py"
