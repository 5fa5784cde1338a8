# A6: minimal pairs (Marvin & Linzen 2018) scored by every cell of the experiment, and the table.


rule syntax_pairs:
    input:
        syntax_pair_files,
    output:
        f"{R}/syntax/pairs.parquet",
    log:
        f"{R}/logs/syntax/pairs.log",
    conda:
        "../../envs/textvae.yaml"
    params:
        source=setting("A6", "pairs"),
        per_subcase=setting("A6", "per_subcase"),
        seed=setting("A6", "seed"),
    script:
        "../scripts/syntax_pairs.py"


rule syntax_scores:
    input:
        model=f"{R}/models/{{corpus}}/{{model}}/model.pt",
        vocab=f"{R}/data/{{corpus}}/vocab.parquet",
        pairs=f"{R}/syntax/pairs.parquet",
    output:
        f"{R}/syntax/{{corpus}}/{{model}}/scores.parquet",
    log:
        f"{R}/logs/syntax/{{corpus}}/{{model}}.log",
    benchmark:
        f"{R}/benchmarks/syntax/{{corpus}}/{{model}}.tsv"
    conda:
        "../../envs/textvae.yaml"
    threads: config["threads"]
    resources:
        gpu=1,
    params:
        batch_size=config["evaluation"]["batch_size"],
    script:
        "../scripts/syntax_scores.py"


rule table_syntax:
    input:
        cell_files("A6", "{R}/syntax/{corpus}/{model}/scores.parquet"),
    output:
        parquet=f"{R}/tables/syntax.parquet",
        md=report(f"{R}/tables/syntax.md", **report_item("A6", "syntax.md")),
    log:
        f"{R}/logs/tables/syntax.log",
    conda:
        "../../envs/textvae.yaml"
    params:
        title="A6 (Prokhorov et al. 2019, Table 4): share of Marvin & Linzen pairs whose "
        "ungrammatical sentence is less likely, given z+ (p1) or z- (p2), the posterior means of the "
        "grammatical and the ungrammatical sentence, or their sub-case means (p1_bar, p2_bar)",
    script:
        "../scripts/syntax_table.py"
