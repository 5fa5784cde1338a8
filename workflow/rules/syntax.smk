# A6: minimal pairs (Marvin & Linzen 2018) scored by every cell of the experiment, and the table.


A6 = config["experiments"].get("A6", {"pairs": "builtin"})
# the Marvin & Linzen pickles A6 reads (none for the built-in pairs)
SYNTAX_PAIR_FILES = [] if A6["pairs"] == "builtin" else sorted(glob.glob(os.path.join(A6["pairs"], "*.pickle")))


rule syntax_pairs:
    input:
        SYNTAX_PAIR_FILES,
    output:
        f"{RESULTS}/syntax/pairs.parquet",
    log:
        f"{RESULTS}/logs/syntax/pairs.log",
    localrule: True
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
        model=f"{RESULTS}/models/{{corpus}}/{{model}}/model.pt",
        vocab=f"{RESULTS}/data/{{corpus}}/vocab.parquet",
        pairs=f"{RESULTS}/syntax/pairs.parquet",
    output:
        f"{RESULTS}/syntax/{{corpus}}/{{model}}/scores.parquet",
    log:
        f"{RESULTS}/logs/syntax/{{corpus}}/{{model}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/syntax/{{corpus}}/{{model}}.tsv"
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
        cell_files("A6", "{results}/syntax/{corpus}/{model}/scores.parquet"),
    output:
        parquet=f"{RESULTS}/tables/syntax.parquet",
        md=report(f"{RESULTS}/tables/syntax.md", **report_item("A6", "syntax.md")),
    log:
        f"{RESULTS}/logs/tables/syntax.log",
    localrule: True
    conda:
        "../../envs/textvae.yaml"
    params:
        title="A6 (Prokhorov et al. 2019, Table 4): share of Marvin & Linzen pairs whose "
        "ungrammatical sentence is less likely, given z+ (p1) or z- (p2), the posterior means of the "
        "grammatical and the ungrammatical sentence, or their sub-case means (p1_bar, p2_bar)",
    script:
        "../scripts/syntax_table.py"
