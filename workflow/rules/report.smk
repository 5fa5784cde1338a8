# What spans the experiments: the paper's values, the runs, the claims, the figures, README's
# results and the targets, all derived from the registry (src/textvae/experiments/).  Each
# experiment's own table rules sit beside the rules that produce their inputs.


rule table_paper:
    output:
        parquet=f"{RESULTS}/tables/{{table}}_paper.parquet",
        md=report(
            f"{RESULTS}/tables/{{table}}_paper.md",
            **report_by_wildcard(lambda w: PAPER_TABLES[w.table], lambda w: f"{w.table}_paper.md"),
        ),
    log:
        f"{RESULTS}/logs/tables/{{table}}_paper.log",
    wildcard_constraints:
        table="|".join(PAPER_TABLES),
    localrule: True
    conda:
        "../../envs/textvae.yaml"
    params:
        table="{table}",
        title=lambda w: f"The paper's own values, measured on the paper's corpora: {paper.SOURCE[w.table]}",
    script:
        "../scripts/paper_table.py"


rule table_runs:
    input:
        models=[f"{RESULTS}/models/{c}/{m}/model.pt" for c, m in CELLS],
        histories=[f"{RESULTS}/models/{c}/{m}/history.parquet" for c, m in CELLS],
        summaries=[f"{RESULTS}/eval/{c}/{m}/summary.parquet" for c, m in EVALUATED],
    output:
        parquet=f"{RESULTS}/tables/runs.parquet",
        md=report(f"{RESULTS}/tables/runs.md", **report_item("all", "runs.md")),
    log:
        f"{RESULTS}/logs/tables/runs.log",
    localrule: True
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
        f"{RESULTS}/config.yaml",
    log:
        f"{RESULTS}/logs/config.log",
    localrule: True
    conda:
        "../../envs/textvae.yaml"
    params:
        config=config,
    script:
        "../scripts/effective_config.py"


rule table_claims:
    input:
        tables=sorted({f"{RESULTS}/tables/{name}.parquet" for e in CLAIMED for name in e.claims_tables}),
        summaries=[f"{RESULTS}/eval/{c}/{m}/summary.parquet" for c, m in CLAIMED_EVALUATED],
        bootstrap=[f"{RESULTS}/eval/{c}/{m}/bootstrap.parquet" for c, m in CLAIMED_EVALUATED],
    output:
        parquet=f"{RESULTS}/tables/claims.parquet",
        md=report(f"{RESULTS}/tables/claims.md", **report_item("all", "claims.md")),
        summary=f"{RESULTS}/tables/claims_summary.txt",
    log:
        f"{RESULTS}/logs/tables/claims.log",
    localrule: True
    conda:
        "../../envs/textvae.yaml"
    params:
        experiments=[e.id for e in CLAIMED],
        schemes=config["decoding"]["schemes"],
        margins=config["claims"],
        title="The papers' claims, each decided by a rule of textvae.claims beyond its noise: outcome "
        "holds, fails or undecided at 95 % (`test` and what it resampled, `unit` and `n_units`; the "
        "`comparison` that decided, its estimate and interval [lo, hi] and `p_value`; `reason`); "
        "`outcome_fdr`, the verdict under the false discovery control over the family of tested rows "
        "(Benjamini-Hochberg, 5 %); rows with a `parent` are its per-category detail "
        "(docs/experiments.md; `implied`: checks the papers imply)",
    script:
        "../scripts/claims_table.py"


rule figure:
    input:
        lambda w: f"{RESULTS}/tables/{FIGURES[w.figure][0].table}.parquet",
    output:
        png=report(
            f"{RESULTS}/figures/{{figure}}.png",
            **report_by_wildcard(lambda w: FIGURES[w.figure][1].id, lambda w: f"{w.figure}.png"),
        ),
        pdf=f"{RESULTS}/figures/{{figure}}.pdf",
    log:
        f"{RESULTS}/logs/figures/{{figure}}.log",
    wildcard_constraints:
        figure="|".join(FIGURES) or "none",
    localrule: True
    conda:
        "../../envs/textvae.yaml"
    params:
        kind="{figure}",
        title=lambda w: FIGURES[w.figure][0].title,
    script:
        "../scripts/figure.py"


rule figures:
    input:
        [f"{RESULTS}/figures/{name}.{ext}" for name in FIGURES for ext in ("png", "pdf")],
    localrule: True


rule readme:
    # writes into the repository, not the results: docs/results.md, README's results block,
    # docs/claims-default.csv and the figures under docs/figures/
    input:
        claims=f"{RESULTS}/tables/claims.parquet",
        summary=f"{RESULTS}/tables/claims_summary.txt",
        runs=f"{RESULTS}/tables/runs.parquet",
        figures=rules.figures.input,
    log:
        f"{RESULTS}/logs/readme.log",
    localrule: True
    conda:
        "../../envs/textvae.yaml"
    params:
        script=os.path.join(workflow.basedir, "workflow/scripts/readme_results.py"),
        results=lambda w, input: os.path.dirname(os.path.dirname(input.claims)),
    shell:
        "python3 {params.script} {params.results} > {log} 2>&1"


rule tables:
    input:
        registry.targets(config, RESULTS),
        claims_md=f"{RESULTS}/tables/claims.md",
        runs=expand(f"{RESULTS}/tables/runs.{{ext}}", ext=["parquet", "md"]),
        cards=[f"{RESULTS}/models/{c}/{m}/card.json" for c, m in CELLS],
        claims=f"{RESULTS}/tables/claims_summary.txt",
        config=f"{RESULTS}/config.yaml",
    localrule: True


rule results_real:
    input:
        rules.tables.input,
        rules.figures.input,
        claims=f"{RESULTS}/tables/claims.parquet",
    log:
        f"{RESULTS}/logs/results_real.log",
    localrule: True
    conda:
        "../../envs/textvae.yaml"
    params:
        script=os.path.join(workflow.basedir, "workflow/scripts/results_real.py"),
        results=lambda w, input: os.path.dirname(os.path.dirname(input.claims)),
        configfiles=" ".join(os.path.relpath(f) for f in workflow.overwrite_configfiles or ["config.yaml"]),
    shell:
        "python3 {params.script} {params.results} {params.configfiles} > {log} 2>&1"


onsuccess:
    # the claims summary at the end of every successful run that has one
    summary = os.path.join(RESULTS, "tables", "claims_summary.txt")
    if os.path.exists(summary):
        print(open(summary).read(), end="")
