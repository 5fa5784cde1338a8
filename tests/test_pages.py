"""The published pages' pieces (textvae.pages) and the scripts of docs/results.md (with README's
results block) and docs/results-real.md, on runs whose answers are known."""

import os
import re

import pandas as pd
import pytest
from conftest import REPO, load_script

from textvae import pages
from textvae.tables import markdown


def claims(rows):
    """A claims table of (claim, experiment, corpus, outcome) rows, each its own claim row."""
    return pd.DataFrame([dict(claim=c, experiment=e, corpus=k, statement=f"{c} says so", outcome=o,
                              outcome_fdr=o, parent="") for c, e, k, o in rows])


def test_a_claims_status_on_a_run_from_its_rows():
    assert pages.status(["holds", "holds"]) == "holds"
    assert pages.status(["fails"]) == "fails"
    assert pages.status(["holds", "undecided"]) == "mixed"
    assert pages.status([]) == "not run"
    assert pages.tally(["holds", "undecided", "holds"]) == "2 holds, 1 undecided"


def test_the_scorecard_puts_each_claim_of_either_run_beside_the_other():
    default = claims([("A1.d", "A1", "short", "holds"), ("A1.d", "A1", "long", "holds"),
                      ("B4.m2", "B4", "short", "undecided"), ("implied.h", "implied", "short", "holds")])
    real = claims([("A1.d", "A1", "yahoo", "holds"), ("A1.d", "A1", "yelp", "fails"),
                   ("A5.f", "A5", "cbt", "fails")])
    detail = dict(real.iloc[0], parent="A1.d", outcome="fails")  # a category's row: not the claim's
    card = pages.scorecard(default, pd.concat([real, pd.DataFrame([detail])]))
    assert card["claim"].tolist() == ["A1.d", "B4.m2", "implied.h", "A5.f"]
    assert card.set_index("claim")["default"].to_dict() == {"A1.d": "holds", "B4.m2": "undecided",
                                                            "implied.h": "holds", "A5.f": "not run"}
    assert card.set_index("claim")["real"].to_dict() == {"A1.d": "mixed", "B4.m2": "not run",
                                                         "implied.h": "not run", "A5.f": "fails"}
    row = card.set_index("claim").loc["A1.d"]
    assert (row["real_rows"], row["real_corpora"]) == ("1 holds, 1 fails", "yahoo, yelp")
    assert row["papers"] == "found: A1 rate-distortion (Fig. 1)"
    assert card.set_index("claim").loc["implied.h", "papers"].startswith("not stated")
    assert pages.scorecard_counts(card, "real") == "0 holds, 1 fails, 0 undecided, 1 mixed, 2 not run"


def test_claims_saved_as_csv_read_back_the_same(tmp_path):
    table = claims([("A1.d", "A1", "short", "holds"), ("B4.m2", "B4", "short", "undecided")])
    pages.save_claims_csv(table, tmp_path / "c.csv")
    assert pages.read_claims_csv(tmp_path / "c.csv").equals(table)


def test_run_facts_time_from_the_jobs_benchmarks(tmp_path):
    """Two jobs: one of 100 s ending at t = 1,000, one of 50 s ending at t = 1,200: 150 s summed,
    and 300 s from the first start (900) to the last end (1,200)."""
    for name, seconds, ended in (("train/c/m1", 100.0, 1000), ("evaluate/c/m1", 50.0, 1200)):
        tsv = tmp_path / "benchmarks" / f"{name}.tsv"
        tsv.parent.mkdir(parents=True, exist_ok=True)
        tsv.write_text(f"s\th:m:s\tmax_rss\n{seconds}\t0:00:00\t12.5\n")
        os.utime(tsv, (ended, ended))
    (tmp_path / "tables").mkdir()
    pd.DataFrame(dict(corpus=["c"], model=["m1"], commit=["abc1234"], device=["cpu"], torch=["2.13.0+cpu"],
                      train_seconds=[90.0])).to_parquet(tmp_path / "tables" / "runs.parquet")
    facts = pages.run_facts(tmp_path)
    assert (facts["job_seconds"], facts["wall_seconds"], facts["train_seconds"]) == (150.0, 300.0, 90.0)
    assert facts["commits"] == ["abc1234"] and facts["cells"] == 1


@pytest.fixture(scope="module")
def page(smoke_run, tmp_path_factory):
    """docs/results-real.md written from the smoke run into a copy of the repository's README and
    the default's claims."""
    repo = tmp_path_factory.mktemp("repo")
    (repo / "docs").mkdir()
    (repo / "README.md").write_text((REPO / "README.md").read_text())
    (repo / "docs" / "claims-default.csv").write_text((REPO / "docs" / "claims-default.csv").read_text())
    load_script("results_real").main(smoke_run / "results", ["configs/smoke.yaml"], repo=repo)
    return repo


def test_the_real_text_page_has_the_scorecard_the_run_the_claims_and_the_tables(page, smoke_run):
    text = (page / "docs" / "results-real.md").read_text()
    run_claims = pd.read_parquet(smoke_run / "results" / "tables" / "claims.parquet")
    card = pages.scorecard(pages.read_claims_csv(page / "docs" / "claims-default.csv"), run_claims)
    assert f"- real text at budget: {pages.scorecard_counts(card, 'real')}" in text
    assert text.index("## Reproduction scorecard") < text.index("## The run") < text.index("## Claims") < text.index(
        "## B4's judge: its known-answer check") < text.index("## Tables beside the papers' values")
    assert (smoke_run / "results" / "tables" / "claims_summary.txt").read_text().splitlines()[0] in text
    assert "### A2 capacity and reconstructions (Table 1)" in text and "B4 prior samples" in text
    heading = "## Tables beside the papers' values"
    tables = text[text.index(heading) + len(heading):text.index("## Figures")]
    assert not [line for line in tables.splitlines() if line.startswith("## ")]  # the tables' headings sit deeper
    assert sorted(p.name for p in (page / "docs" / "figures" / "real").glob("*.png"))
    commit = pd.read_parquet(smoke_run / "results" / "tables" / "runs.parquet")["commit"].iloc[0]
    assert f"commit {commit}" in text
    readme = (page / "README.md").read_text()
    assert f"of the {len(card)} claims, {pages.scorecard_counts(card, 'real')}" in readme
    held = card[card["claim"].str.startswith("A1.")]
    assert f"A1 {(held['real'] == 'holds').sum()} of {len(held)}" in readme
    assert readme.count("<!-- scorecard:start -->") == 1


@pytest.fixture(scope="module")
def default_pages(smoke_run, tmp_path_factory):
    """docs/results.md and README's results block written from the smoke run into a copy of the
    repository's README."""
    repo = tmp_path_factory.mktemp("repo")
    (repo / "docs").mkdir()
    (repo / "README.md").write_text((REPO / "README.md").read_text())
    load_script("readme_results").main(smoke_run / "results", repo=repo)
    return repo


def test_the_results_page_has_the_claims_and_every_figure_and_readme_the_short_block(default_pages, smoke_run):
    page = (default_pages / "docs" / "results.md").read_text()
    summary = (smoke_run / "results" / "tables" / "claims_summary.txt").read_text().splitlines()
    assert summary[-1] in page and page.index("## Claims") < page.index("## Figures")
    figures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", page)
    assert figures and all((default_pages / "docs" / f).exists() for f in figures)
    assert pd.read_csv(default_pages / "docs" / "claims-default.csv")["claim"].size
    readme = (default_pages / "README.md").read_text()
    block = readme[readme.index("<!-- results:start -->"):readme.index("<!-- results:end -->")]
    assert summary[0] in block and not any(line in block for line in summary[2:]) and "(docs/results.md)" in block
    assert "- **Paper A: Prokhorov et al. 2019" in block and "- **Paper B: Mansbridge et al. 2018" in block
    shown = re.findall(r"!\[[^\]]*\]\((docs/figures/[^)]+)\)", block)
    assert 0 < len(shown) <= 3 and all((default_pages / f).exists() for f in shown)
    assert len(readme.splitlines()) <= 250 and readme.count("<!-- scorecard:start -->") == 1


def test_a_pipe_inside_a_cell_is_escaped_and_keeps_its_row_whole():
    table = markdown(pd.DataFrame(dict(statement=["||mu||^2 rises", "D falls"], n=[1.5, 2.0])))
    rows = table.splitlines()
    assert rows[2] == "| \\|\\|mu\\|\\|^2 rises | 1.50 |"
    assert all(len(re.findall(r"(?<!\\)\|", row)) == 3 for row in rows)  # two cells a row
