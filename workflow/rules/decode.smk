# Decoding with trained cells, and the tables of the decoding experiments beside the rules they
# read: reconstructions (A2's capacity table, B2's side-by-side table and B3's judge), homotopies
# (A4), prior samples (B4) and interpolations (B5).  Decoding settings reach the jobs through
# params.


rule reconstruct:
    input:
        model=f"{RESULTS}/models/{{corpus}}/{{model}}/model.pt",
        test=f"{RESULTS}/data/{{corpus}}/test.parquet",
        vocab=f"{RESULTS}/data/{{corpus}}/vocab.parquet",
    output:
        f"{RESULTS}/decode/{{corpus}}/{{model}}/reconstructions_{{experiment}}.parquet",
    log:
        f"{RESULTS}/logs/reconstruct/{{corpus}}/{{model}}_{{experiment}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/reconstruct/{{corpus}}/{{model}}_{{experiment}}.tsv"
    wildcard_constraints:
        experiment="|".join(declaring("reconstruct")),
    conda:
        "../../envs/textvae.yaml"
    threads: config["threads"]
    resources:
        gpu=1,
    params:
        scheme=wildcard_setting("scheme", scheme),
        z=lambda w: reconstruction(w.experiment)["z"],
        select=lambda w: reconstruction(w.experiment)["select"],
        seed=lambda w: reconstruction(w.experiment)["seed"],
        batch_size=DECODING.get("batch_size"),
    script:
        "../scripts/reconstruct.py"


rule prior_draws:
    output:
        f"{RESULTS}/decode/{{corpus}}/prior_{{experiment}}.parquet",
    log:
        f"{RESULTS}/logs/prior_draws/{{corpus}}_{{experiment}}.log",
    wildcard_constraints:
        experiment="|".join(declaring("prior_draws")),
    localrule: True
    conda:
        "../../envs/textvae.yaml"
    params:
        n=lambda w: registry.EXPERIMENTS[w.experiment].prior_draws(experiment_config(w.experiment)),
        dim=lambda w: tvconfig.latent_size(config, w.experiment, w.corpus),
        seed=wildcard_setting("seed"),
    script:
        "../scripts/prior_draws.py"


rule table_capacity:
    input:
        **evaluations("A2"),
        reconstructions=cell_files("A2", "{results}/decode/{corpus}/{model}/reconstructions_A2.parquet"),
    output:
        parquet=f"{RESULTS}/tables/capacity.parquet",
        bootstrap=f"{RESULTS}/tables/capacity_bootstrap.parquet",
        md=report(f"{RESULTS}/tables/capacity.md", **report_item("A2", "capacity.md")),
    log:
        f"{RESULTS}/logs/tables/capacity.log",
    localrule: True
    conda:
        "../../envs/textvae.yaml"
    params:
        **BOOTSTRAP,
        cells=cells_of("A2"),
        title="A2 (Prokhorov et al. 2019, Table 1): posterior statistics and greedy reconstructions "
        "of the posterior mean, BLEU (corpus) and ROUGE F1 (mean) x 100, by source length",
    script:
        "../scripts/capacity_table.py"


rule homotopy:
    input:
        model=f"{RESULTS}/models/{{corpus}}/{{model}}/model.pt",
        vocab=f"{RESULTS}/data/{{corpus}}/vocab.parquet",
        prior=f"{RESULTS}/decode/{{corpus}}/prior_A4.parquet",
    output:
        f"{RESULTS}/decode/{{corpus}}/{{model}}/homotopy.parquet",
    log:
        f"{RESULTS}/logs/homotopy/{{corpus}}/{{model}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/homotopy/{{corpus}}/{{model}}.tsv"
    conda:
        "../../envs/textvae.yaml"
    threads: config["threads"]
    resources:
        gpu=1,
    params:
        schemes=setting("A4", "schemes", schemes),
        points=setting("A4", "points"),
        seed=setting("A4", "seed"),
        batch_size=DECODING.get("batch_size"),
    script:
        "../scripts/homotopy.py"


rule table_paths:
    input:
        lambda w: cell_files(
            PATH_TABLES[w.table].id,
            f"{{results}}/decode/{{corpus}}/{{model}}/{PATH_TABLES[w.table].path_table.file}.parquet",
        ),
    output:
        parquet=f"{RESULTS}/tables/{{table}}.parquet",
        counts=f"{RESULTS}/tables/{{table}}_repeats.parquet",
        paths=f"{RESULTS}/tables/{{table}}_paths.parquet",
        md=report(
            f"{RESULTS}/tables/{{table}}.md",
            **report_by_wildcard(lambda w: PATH_TABLES[w.table].id, lambda w: f"{w.table}.md"),
        ),
    log:
        f"{RESULTS}/logs/tables/{{table}}.log",
    wildcard_constraints:
        table="|".join(PATH_TABLES),
    localrule: True
    conda:
        "../../envs/textvae.yaml"
    params:
        title=lambda w: PATH_TABLES[w.table].path_table.title,
    script:
        "../scripts/paths_table.py"


rule table_autogen_reconstructions:
    input:
        cell_files("B2", "{results}/decode/{corpus}/{model}/reconstructions_B2.parquet"),
    output:
        parquet=f"{RESULTS}/tables/autogen_reconstructions.parquet",
        md=report(f"{RESULTS}/tables/autogen_reconstructions.md", **report_item("B2", "autogen_reconstructions.md")),
    log:
        f"{RESULTS}/logs/tables/autogen_reconstructions.log",
    localrule: True
    conda:
        "../../envs/textvae.yaml"
    params:
        title="B2 (Mansbridge et al. 2018, Table 1): reconstructions with z ~ q(z|x) and beam "
        "search of test sentences without <unk>, side by side",
    script:
        "../scripts/autogen_reconstructions_table.py"


B3 = config["experiments"].get("B3", {"pairs": []})
# B2's reconstructions by the models that B3's pairs name (every training seed's)
B3_INPUTS = [
    path
    for (corpus, model), path in zip(
        cells_of("B2"), cell_files("B2", "{results}/decode/{corpus}/{model}/reconstructions_B2.parquet")
    )
    if model_ids.without_seed(model) in {m for pair in B3["pairs"] for m in pair}
]


rule table_autogen_preference:
    input:
        B3_INPUTS,
    output:
        parquet=f"{RESULTS}/tables/autogen_preference.parquet",
        md=report(f"{RESULTS}/tables/autogen_preference.md", **report_item("B3", "autogen_preference.md")),
    log:
        f"{RESULTS}/logs/tables/autogen_preference.log",
    localrule: True
    conda:
        "../../envs/textvae.yaml"
    params:
        pairs=B3["pairs"],
        title="B3 (Mansbridge et al. 2018, Table 2): automatic judge in place of the survey: "
        "% of test sentences where the model's reconstruction has the higher sentence BLEU "
        "against the input (ties dropped), exact two-sided binomial p-value",
    script:
        "../scripts/autogen_preference_table.py"


rule prior_samples:
    input:
        unpack(judge_inputs),
        model=f"{RESULTS}/models/{{corpus}}/{{model}}/model.pt",
        vocab=f"{RESULTS}/data/{{corpus}}/vocab.parquet",
        prior=f"{RESULTS}/decode/{{corpus}}/prior_B4.parquet",
    output:
        f"{RESULTS}/decode/{{corpus}}/{{model}}/prior_samples.parquet",
    log:
        f"{RESULTS}/logs/prior_samples/{{corpus}}/{{model}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/prior_samples/{{corpus}}/{{model}}.tsv"
    conda:
        "../../envs/textvae.yaml"
    threads: config["threads"]
    resources:
        gpu=1,
    params:
        scheme=setting("B4", "scheme", scheme),
        samples=setting("B4", "samples"),
        min_len=setting("B4", "min_len"),
        max_len=setting("B4", "max_len"),
        split_at=setting("B4", "split_at"),
        grammar=lambda w: config["corpora"][w.corpus].get("grammar"),
        seed=setting("B4", "seed"),
        batch_size=DECODING.get("batch_size"),
    script:
        "../scripts/prior_samples.py"


rule table_autogen_samples:
    input:
        cell_files("B4", "{results}/decode/{corpus}/{model}/prior_samples.parquet"),
    output:
        parquet=f"{RESULTS}/tables/autogen_samples.parquet",
        sentences=f"{RESULTS}/tables/autogen_samples_sentences.parquet",
        md=report(f"{RESULTS}/tables/autogen_samples.md", **report_item("B4", "autogen_samples.md")),
    log:
        f"{RESULTS}/logs/tables/autogen_samples.log",
    localrule: True
    conda:
        "../../envs/textvae.yaml"
    params:
        shown=10,
        title="B4 (Mansbridge et al. 2018, Tables 3-4): samples from z ~ N(0, I) with beam search; "
        "% judged meaningful per length group, and % typical of the corpus (the judge column says how)",
    script:
        "../scripts/autogen_samples_table.py"


rule judge_check:
    input:
        # the judge's, and the training split for the swapped words' frequencies
        unpack(lambda w: judge_inputs(w) | dict(train=f"{RESULTS}/data/{w.corpus}/train.parquet")),
        vocab=f"{RESULTS}/data/{{corpus}}/vocab.parquet",
    output:
        f"{RESULTS}/decode/{{corpus}}/judge_check.parquet",
    log:
        f"{RESULTS}/logs/judge_check/{{corpus}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/judge_check/{{corpus}}.tsv"
    conda:
        "../../envs/textvae.yaml"
    threads: config["threads"]
    resources:
        gpu=1,
    params:
        min_len=setting("B4", "min_len"),
        max_len=setting("B4", "max_len"),
        split_at=setting("B4", "split_at"),
        grammar=lambda w: config["corpora"][w.corpus].get("grammar"),
        seed=setting("B4", "seed"),
    script:
        "../scripts/judge_check.py"


rule table_autogen_judge:
    input:
        sorted({f"{RESULTS}/decode/{c}/judge_check.parquet" for c, _ in cells_of("B4")}),
    output:
        parquet=f"{RESULTS}/tables/autogen_judge.parquet",
        md=report(f"{RESULTS}/tables/autogen_judge.md", **report_item("B4", "autogen_judge.md")),
    log:
        f"{RESULTS}/logs/tables/autogen_judge.log",
    localrule: True
    conda:
        "../../envs/textvae.yaml"
    params:
        title="B4's judge checked: % of the real test sentences (after paper B's filter) that the judge "
        "passes, and of the same sentences shuffled or with 1-3 words swapped for words drawn by their "
        "training frequency; B4's claims on a length group are undecided where real < 90 % or shuffled > 20 %",
    script:
        "../scripts/autogen_judge_table.py"


rule interpolate:
    input:
        model=f"{RESULTS}/models/{{corpus}}/{{model}}/model.pt",
        test=f"{RESULTS}/data/{{corpus}}/test.parquet",
        vocab=f"{RESULTS}/data/{{corpus}}/vocab.parquet",
    output:
        f"{RESULTS}/decode/{{corpus}}/{{model}}/interpolation.parquet",
    log:
        f"{RESULTS}/logs/interpolate/{{corpus}}/{{model}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/interpolate/{{corpus}}/{{model}}.tsv"
    conda:
        "../../envs/textvae.yaml"
    threads: config["threads"]
    resources:
        gpu=1,
    params:
        schemes=setting("B5", "scheme", schemes),
        steps=setting("B5", "steps"),
        interpolations=setting("B5", "interpolations"),
        z=setting("B5", "z"),
        min_len=setting("B5", "min_len"),
        max_len=setting("B5", "max_len"),
        seed=setting("B5", "seed"),
        batch_size=DECODING.get("batch_size"),
    script:
        "../scripts/interpolate.py"
