# Tables and figures of every experiment in the config.

BOOTSTRAP = config["bootstrap"]
B1_HISTORIES = cell_files("B1", "{R}/models/{corpus}/{model}/history.parquet")
SUMMARY_COLUMNS = [
    "corpus",
    "model",
    "arch",
    "objective",
    "C",
    "rate",
    "distortion",
    "elbo",
    "logdetcov",
    "mu_norm2",
    "active_units",
    "mi",
    "rate_minus_mi",
    "aggregate_kl",
    "iw_nll",
    "perplexity",
    "entropy",
    "bound_gap",
    "iw_gap",
    "bound_ok",
]


rule table_rate_distortion:
    input:
        **evaluations("A1"),
    output:
        parquet=f"{R}/tables/rate_distortion.parquet",
        bootstrap=f"{R}/tables/rate_distortion_bootstrap.parquet",
        md=report(f"{R}/tables/rate_distortion.md", **report_item("A1", "rate_distortion.md")),
    log:
        f"{R}/logs/tables/rate_distortion.log",
    conda:
        "../../envs/textvae.yaml"
    params:
        columns=SUMMARY_COLUMNS,
        title="A1 (Prokhorov et al. 2019, Fig. 1): rate, distortion and posterior statistics per C",
    script:
        "../scripts/summary_table.py"


rule table_rate_training:
    input:
        cell_files("A1", "{R}/models/{corpus}/{model}/history.parquet", largest_c=True),
    output:
        parquet=f"{R}/tables/rate_training.parquet",
        md=report(f"{R}/tables/rate_training.md", **report_item("A1", "rate_training.md")),
    log:
        f"{R}/logs/tables/rate_training.log",
    conda:
        "../../envs/textvae.yaml"
    params:
        cells=cells_of("A1", largest_c=True),
        title="A1: rate, mutual information and offset ||mean mu||^2 on the held-out sample over "
        "training, for each architecture at the largest C",
    script:
        "../scripts/history_table.py"


rule table_aggregate_posterior:
    input:
        **evaluations("A3"),
    output:
        parquet=f"{R}/tables/aggregate_posterior.parquet",
        bootstrap=f"{R}/tables/aggregate_posterior_bootstrap.parquet",
        md=report(f"{R}/tables/aggregate_posterior.md", **report_item("A3", "aggregate_posterior.md")),
    log:
        f"{R}/logs/tables/aggregate_posterior.log",
    conda:
        "../../envs/textvae.yaml"
    params:
        columns=[
            "corpus",
            "model",
            "arch",
            "C",
            "aggregate_kl",
            "rate",
            "mi",
            "rate_minus_mi",
            "logdetcov",
            "mu_norm2",
            "active_units",
        ],
        title="A3 (Prokhorov et al. 2019, Sec. 3.2): KL(q(z) || p(z)) of the aggregated posterior",
    script:
        "../scripts/summary_table.py"


rule table_autogen_training:
    input:
        B1_HISTORIES,
    output:
        parquet=f"{R}/tables/autogen_training.parquet",
        md=report(f"{R}/tables/autogen_training.md", **report_item("B1", "autogen_training.md")),
    log:
        f"{R}/logs/tables/autogen_training.log",
    conda:
        "../../envs/textvae.yaml"
    params:
        cells=cells_of("B1"),
        title="B1 (Mansbridge et al. 2018, Fig. 2): KL share of the objective and ELBO over training; "
        "the KL share is 100 KL / ((1 + m)(-reconstruction) + KL) for every model, the annealed VAE's "
        "with its full KL (its KL weight, below 1 while it anneals, is the column kl_weight)",
    script:
        "../scripts/history_table.py"


rule table_capacity:
    input:
        **evaluations("A2"),
        reconstructions=cell_files("A2", "{R}/decode/{corpus}/{model}/reconstructions_A2.parquet"),
    output:
        parquet=f"{R}/tables/capacity.parquet",
        bootstrap=f"{R}/tables/capacity_bootstrap.parquet",
        md=report(f"{R}/tables/capacity.md", **report_item("A2", "capacity.md")),
    log:
        f"{R}/logs/tables/capacity.log",
    conda:
        "../../envs/textvae.yaml"
    params:
        **BOOTSTRAP,
        cells=cells_of("A2"),
        title="A2 (Prokhorov et al. 2019, Table 1): posterior statistics and greedy reconstructions "
        "of the posterior mean, BLEU (corpus) and ROUGE F1 (mean) x 100, by source length",
    script:
        "../scripts/capacity_table.py"


# decoded paths: table name -> (experiment, per-cell file, title)
PATH_TABLES = {
    "homotopy": (
        "A4",
        "homotopy",
        "A4 (Prokhorov et al. 2019, Table 2): homotopies between two "
        "z ~ p(z), the same z for every model of a corpus; repeated neighbours per scheme",
    ),
    "autogen_interpolation": (
        "B5",
        "interpolation",
        "B5 (Mansbridge et al. 2018, Table 5): " "interpolation between the posterior means of two test sentences",
    ),
}


rule table_paths:
    input:
        lambda w: cell_files(
            PATH_TABLES[w.table][0], f"{{R}}/decode/{{corpus}}/{{model}}/{PATH_TABLES[w.table][1]}.parquet"
        ),
    output:
        parquet=f"{R}/tables/{{table}}.parquet",
        counts=f"{R}/tables/{{table}}_repeats.parquet",
        bootstrap=f"{R}/tables/{{table}}_repeats_bootstrap.parquet",
        md=report(
            f"{R}/tables/{{table}}.md",
            **report_by_wildcard(lambda w: PATH_TABLES[w.table][0], lambda w: f"{w.table}.md"),
        ),
    log:
        f"{R}/logs/tables/{{table}}.log",
    wildcard_constraints:
        table="|".join(PATH_TABLES),
    conda:
        "../../envs/textvae.yaml"
    params:
        **BOOTSTRAP,
        title=lambda w: PATH_TABLES[w.table][2],
    script:
        "../scripts/paths_table.py"


rule table_autogen_reconstructions:
    input:
        cell_files("B2", "{R}/decode/{corpus}/{model}/reconstructions_B2.parquet"),
    output:
        parquet=f"{R}/tables/autogen_reconstructions.parquet",
        md=report(f"{R}/tables/autogen_reconstructions.md", **report_item("B2", "autogen_reconstructions.md")),
    log:
        f"{R}/logs/tables/autogen_reconstructions.log",
    conda:
        "../../envs/textvae.yaml"
    params:
        title="B2 (Mansbridge et al. 2018, Table 1): reconstructions with z ~ q(z|x) and beam "
        "search of test sentences without <unk>, side by side",
    script:
        "../scripts/autogen_reconstructions_table.py"


rule table_autogen_preference:
    input:
        preference_inputs,
    output:
        parquet=f"{R}/tables/autogen_preference.parquet",
        md=report(f"{R}/tables/autogen_preference.md", **report_item("B3", "autogen_preference.md")),
    log:
        f"{R}/logs/tables/autogen_preference.log",
    conda:
        "../../envs/textvae.yaml"
    params:
        pairs=config["experiments"].get("B3", {}).get("pairs", []),
        title="B3 (Mansbridge et al. 2018, Table 2): automatic judge in place of the survey: "
        "% of test sentences where the model's reconstruction has the higher sentence BLEU "
        "against the input (ties dropped), exact two-sided binomial p-value",
    script:
        "../scripts/autogen_preference_table.py"


rule table_autogen_samples:
    input:
        cell_files("B4", "{R}/decode/{corpus}/{model}/prior_samples.parquet"),
    output:
        parquet=f"{R}/tables/autogen_samples.parquet",
        sentences=f"{R}/tables/autogen_samples_sentences.parquet",
        bootstrap=f"{R}/tables/autogen_samples_bootstrap.parquet",
        md=report(f"{R}/tables/autogen_samples.md", **report_item("B4", "autogen_samples.md")),
    log:
        f"{R}/logs/tables/autogen_samples.log",
    conda:
        "../../envs/textvae.yaml"
    params:
        **BOOTSTRAP,
        shown=10,
        title="B4 (Mansbridge et al. 2018, Tables 3-4): samples from z ~ N(0, I) with beam search; "
        "% judged meaningful per length group (the judge column says how)",
    script:
        "../scripts/autogen_samples_table.py"


A5_CORPORA = config["experiments"].get("A5", {}).get("corpora", [])


rule table_fce:
    input:
        metrics=[f"{R}/fce/{c}/{m}/lm/{s}_seed{seed}/metrics.parquet" for c, m, s, seed in fce_runs()],
        vocabs=[f"{R}/fce/{c}/vocab_{g}.parquet" for c, g in fce_vocab_groups()],
        tests=[f"{R}/data/{c}/test.parquet" for c in A5_CORPORA],
        corpus_vocabs=[f"{R}/data/{c}/vocab.parquet" for c in A5_CORPORA],
    output:
        parquet=f"{R}/tables/fce.parquet",
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


rule table_syntax:
    input:
        cell_files("A6", "{R}/syntax/{corpus}/{model}/scores.parquet"),
    output:
        parquet=f"{R}/tables/syntax.parquet",
        bootstrap=f"{R}/tables/syntax_bootstrap.parquet",
        md=report(f"{R}/tables/syntax.md", **report_item("A6", "syntax.md")),
    log:
        f"{R}/logs/tables/syntax.log",
    conda:
        "../../envs/textvae.yaml"
    params:
        **BOOTSTRAP,
        title="A6 (Prokhorov et al. 2019, Table 4): share of Marvin & Linzen pairs whose "
        "ungrammatical sentence is less likely, given z+ (p1) or z- (p2), the posterior means of the "
        "grammatical and the ungrammatical sentence, or their sub-case means (p1_bar, p2_bar)",
    script:
        "../scripts/syntax_table.py"


# the pipeline's tables with a companion table of the paper's values -> their experiment
PAPER_TABLES = {"capacity": "A2", "fce": "A5", "syntax": "A6", "autogen_preference": "B3", "autogen_samples": "B4"}


rule table_paper:
    output:
        parquet=f"{R}/tables/{{table}}_paper.parquet",
        md=report(
            f"{R}/tables/{{table}}_paper.md",
            **report_by_wildcard(lambda w: PAPER_TABLES[w.table], lambda w: f"{w.table}_paper.md"),
        ),
    log:
        f"{R}/logs/tables/{{table}}_paper.log",
    wildcard_constraints:
        table="|".join(PAPER_TABLES),
    conda:
        "../../envs/textvae.yaml"
    params:
        table="{table}",
        title=lambda w: f"The paper's own values, measured on the paper's corpora: {paper.SOURCE[w.table]}",
    script:
        "../scripts/paper_table.py"


EVALUATED = sorted({(c, m) for e in ("A1", "A2", "A3") for c, m in cells_of(e)})


rule table_runs:
    input:
        models=[f"{R}/models/{c}/{m}/model.pt" for c, m in CELLS],
        histories=[f"{R}/models/{c}/{m}/history.parquet" for c, m in CELLS],
        summaries=[f"{R}/eval/{c}/{m}/summary.parquet" for c, m in EVALUATED],
    output:
        parquet=f"{R}/tables/runs.parquet",
        md=report(f"{R}/tables/runs.md", **report_item("all", "runs.md")),
    log:
        f"{R}/logs/tables/runs.log",
    conda:
        "../../envs/textvae.yaml"
    params:
        cells=CELLS,
        evaluated=EVALUATED,
        title="Every trained cell: settings, final training and held-out terms, test metrics "
        "(evaluated cells), training time, device, torch version and code commit",
    script:
        "../scripts/runs_table.py"


rule effective_config:
    output:
        f"{R}/config.yaml",
    log:
        f"{R}/logs/config.log",
    conda:
        "../../envs/textvae.yaml"
    params:
        config=config,
    script:
        "../scripts/effective_config.py"


# experiment -> the table its claims are decided from
CLAIM_TABLES = {
    "A1": "rate_distortion",
    "A2": "capacity",
    "A3": "aggregate_posterior",
    "A4": "homotopy_repeats",
    "A5": "fce",
    "A6": "syntax",
    "B1": "autogen_training",
    "B3": "autogen_preference",
    "B4": "autogen_samples",
    "B5": "autogen_interpolation_repeats",
}
CLAIM_EXPERIMENTS = [e for e in CLAIM_TABLES if e in config["experiments"]]
# the experiments whose claim table has a companion of bootstrap replicates, {table}_bootstrap
NOISY = [e for e in CLAIM_EXPERIMENTS if e not in ("A5", "B1", "B3")]


rule table_claims:
    input:
        tables=[f"{R}/tables/{CLAIM_TABLES[e]}.parquet" for e in CLAIM_EXPERIMENTS],
        noise=[f"{R}/tables/{CLAIM_TABLES[e]}_bootstrap.parquet" for e in NOISY],
        summaries=[f"{R}/eval/{c}/{m}/summary.parquet" for c, m in EVALUATED],
        bootstrap=[f"{R}/eval/{c}/{m}/bootstrap.parquet" for c, m in EVALUATED],
    output:
        parquet=f"{R}/tables/claims.parquet",
        md=report(f"{R}/tables/claims.md", **report_item("all", "claims.md")),
        summary=f"{R}/tables/claims_summary.txt",
    log:
        f"{R}/logs/tables/claims.log",
    conda:
        "../../envs/textvae.yaml"
    params:
        experiments=CLAIM_EXPERIMENTS,
        noisy=NOISY,
        schemes=config["decoding"]["schemes"],
        title="The papers' claims, each decided by a rule of textvae.claims from the numbers in "
        "`evidence`, beyond their noise: outcome holds, fails or undecided (the evidence says why) "
        "(SPEC, claims column; `implied`: checks the papers imply)",
    script:
        "../scripts/claims_table.py"


# figure -> (the table it is drawn from, the experiment it belongs to)
FIGURES = {
    "rate_distortion": ("rate_distortion", "A1"),
    "logdetcov": ("rate_distortion", "A1"),
    "rate_training": ("rate_training", "A1"),
    "autogen_training": ("autogen_training", "B1"),
    "fce": ("fce", "A5"),
    "syntax": ("syntax", "A6"),
    "capacity": ("capacity", "A2"),
}


FIGURE_TITLES = {
    "rate_distortion": "A1 (Prokhorov et al. 2019, Fig. 1 left): distortion against rate, one panel "
    "per corpus, one line per architecture, each point labelled with its C",
    "logdetcov": "A1 (Prokhorov et al. 2019, Fig. 1 right): LogDetCov of the aggregated posterior against C",
    "rate_training": "A1: the held-out rate R, mutual information I(x; z) and offset 1/2 ||mean mu||^2 (nats) "
    "against training step at the largest C, one panel per corpus and model: a rate that is "
    "an offset (R - MI large, the offset near R) tells the decoder nothing about x",
    "autogen_training": "B1 (Mansbridge et al. 2018, Fig. 2): held-out KL as % of the objective and "
    "held-out ELBO against training step, one line per model",
    "fce": "A5 (Prokhorov et al. 2019, Table 3): forward cross entropy against C per decoding scheme, "
    "error bars: standard deviation over the seeds' LMs",
    "syntax": "A6 (Prokhorov et al. 2019, Table 4): p1 (given z+) and p2 (given z-) per Marvin & Linzen "
    "category, one panel per model",
    "capacity": "A2 (Prokhorov et al. 2019, Table 1): BLEU-2 (bars) and BLEU-4 (ticks) of greedy "
    "reconstructions by source length, per C",
}


rule figure:
    input:
        lambda w: f"{R}/tables/{FIGURES[w.figure][0]}.parquet",
    output:
        png=report(
            f"{R}/figures/{{figure}}.png",
            **report_by_wildcard(lambda w: FIGURES[w.figure][1], lambda w: f"{w.figure}.png"),
        ),
        pdf=f"{R}/figures/{{figure}}.pdf",
    log:
        f"{R}/logs/figures/{{figure}}.log",
    wildcard_constraints:
        figure="|".join(FIGURES),
    conda:
        "../../envs/textvae.yaml"
    params:
        kind="{figure}",
        title=lambda w: FIGURE_TITLES[w.figure],
    script:
        "../scripts/figure.py"


rule figures:
    input:
        [
            f"{R}/figures/{name}.{ext}"
            for name, (_, experiment) in FIGURES.items()
            if experiment in config["experiments"]
            for ext in ("png", "pdf")
        ],


rule readme:
    input:
        claims=f"{R}/tables/claims.parquet",
        summary=f"{R}/tables/claims_summary.txt",
        figures=rules.figures.input,
    log:
        f"{R}/logs/readme.log",
    conda:
        "../../envs/textvae.yaml"
    params:
        script=os.path.join(workflow.basedir, "workflow/scripts/readme_results.py"),
        results=lambda w, input: os.path.dirname(os.path.dirname(input.claims)),
    shell:
        "python3 {params.script} {params.results} > {log} 2>&1"


rule tables:
    input:
        experiment_outputs("A1", expand(f"{R}/tables/rate_distortion.{{ext}}", ext=["parquet", "md"])),
        experiment_outputs("A1", expand(f"{R}/tables/rate_training.{{ext}}", ext=["parquet", "md"])),
        experiment_outputs("A3", expand(f"{R}/tables/aggregate_posterior.{{ext}}", ext=["parquet", "md"])),
        experiment_outputs("B1", expand(f"{R}/tables/autogen_training.{{ext}}", ext=["parquet", "md"])),
        experiment_outputs("A2", expand(f"{R}/tables/capacity.{{ext}}", ext=["parquet", "md"])),
        experiment_outputs("A4", expand(f"{R}/tables/homotopy.{{ext}}", ext=["parquet", "md"])),
        experiment_outputs("B2", expand(f"{R}/tables/autogen_reconstructions.{{ext}}", ext=["parquet", "md"])),
        experiment_outputs("B3", expand(f"{R}/tables/autogen_preference.{{ext}}", ext=["parquet", "md"])),
        experiment_outputs("B4", expand(f"{R}/tables/autogen_samples.{{ext}}", ext=["parquet", "md"])),
        experiment_outputs("B5", expand(f"{R}/tables/autogen_interpolation.{{ext}}", ext=["parquet", "md"])),
        experiment_outputs("A5", expand(f"{R}/tables/fce.{{ext}}", ext=["parquet", "md"])),
        experiment_outputs("A6", expand(f"{R}/tables/syntax.{{ext}}", ext=["parquet", "md"])),
        rules.figures.input,
        paper=[
            f"{R}/tables/{t}_paper.{ext}"
            for t, e in PAPER_TABLES.items()
            if e in config["experiments"]
            for ext in ("parquet", "md")
        ],
        claims_md=f"{R}/tables/claims.md",
        runs=expand(f"{R}/tables/runs.{{ext}}", ext=["parquet", "md"]),
        claims=f"{R}/tables/claims_summary.txt",
        config=f"{R}/config.yaml",


onsuccess:
    # the claims summary at the end of every successful run that has one
    summary = os.path.join(R, "tables", "claims_summary.txt")
    if os.path.exists(summary):
        print(open(summary).read(), end="")
