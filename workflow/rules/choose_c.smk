# C1, choosing C for a corpus: each short run of the ladder decodes the corpus's prior draws and
# scores its samples under the corpus's grammar or language model; the table gathers them with
# the runs' evaluations and applies the criterion (textvae.experiments.c1).


rule choose_c_samples:
    input:
        unpack(judge_inputs),
        model=f"{RESULTS}/models/{{corpus}}/{{model}}/model.pt",
        vocab=f"{RESULTS}/data/{{corpus}}/vocab.parquet",
        prior=f"{RESULTS}/decode/{{corpus}}/prior_C1.parquet",
    output:
        f"{RESULTS}/choose_c/{{corpus}}/{{model}}/samples.parquet",
    log:
        f"{RESULTS}/logs/choose_c_samples/{{corpus}}/{{model}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/choose_c_samples/{{corpus}}/{{model}}.tsv"
    conda:
        "../../envs/textvae.yaml"
    threads: config["threads"]
    resources:
        gpu=1,
    params:
        scheme=setting("C1", "scheme", scheme),
        grammar=lambda w: config["corpora"][w.corpus].get("grammar"),
        smoothing=setting("C1", "smoothing"),
        seed=setting("C1", "seed"),
        batch_size=DECODING.get("batch_size"),
    script:
        "../scripts/choose_c_samples.py"


rule table_choose_c:
    input:
        summaries=cell_files("C1", "{results}/eval/{corpus}/{model}/summary.parquet"),
        samples=cell_files("C1", "{results}/choose_c/{corpus}/{model}/samples.parquet"),
    output:
        parquet=f"{RESULTS}/tables/choose_c.parquet",
        md=report(f"{RESULTS}/tables/choose_c.md", **report_item("C1", "choose_c.md")),
        runs=f"{RESULTS}/tables/choose_c_runs.parquet",
        pick=f"{RESULTS}/tables/choose_c_pick.parquet",
        pick_md=report(f"{RESULTS}/tables/choose_c_pick.md", **report_item("C1", "choose_c_pick.md")),
    log:
        f"{RESULTS}/logs/tables/choose_c.log",
    localrule: True
    conda:
        "../../envs/textvae.yaml"
    params:
        delta=setting("C1", "delta"),
        title="C1: the ladder's short runs, mean and sd over the training seeds: D, R, MI, active units, "
        "KL(q(z) || p(z)) and the prior samples' per-token NLL under the corpus's grammar (smoothed) or "
        "language model, and the share the grammar derives",
        pick_title="C1: the recommended C per corpus: the largest C whose prior samples lose at most delta "
        "nats per token against the best C (seeds' mean curve); each seed's pick, and their range, an "
        "interval for their median of the stated coverage",
    script:
        "../scripts/choose_c_table.py"
