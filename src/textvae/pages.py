"""What the published pages show of a run: its claims, the reproduction scorecard, its cost.

docs/results.md and README's block (the default run), docs/results-real.md (real text).  A
claim's scorecard status on a run: holds, fails or undecided where every row agrees, `mixed`
where rows disagree, else `not run`."""

from __future__ import annotations

import csv
import platform
from pathlib import Path

import pandas as pd

from .experiments import EXPERIMENTS

STATUSES = ("holds", "fails", "undecided", "mixed", "not run")


def shown_claims(claims: pd.DataFrame) -> pd.DataFrame:
    """The claims as a page shows them.

    Each claim once per corpus (A6's categories are in the
    table), its outcome and, where the false discovery control changes it, that outcome, the
    comparison that decided it with its estimate, interval and p-value, the unit resampled, the
    test, and the evidence with the reason."""
    head = claims[claims["parent"] == ""]
    outcome = [o if o == f else f"{o} ({f} under FDR)" for o, f in zip(head["outcome"], head["outcome_fdr"])]
    interval = ["" if pd.isna(e) else f"{e:.3g} [{lo:.3g}, {hi:.3g}]"
                for e, lo, hi in zip(head["estimate"], head["lo"], head["hi"])]
    evidence = [f"{e}; {r}" if r else e for e, r in zip(head["evidence"], head["reason"])]
    return pd.DataFrame(dict(claim=head["claim"], corpus=head["corpus"], outcome=outcome,
                             comparison=head["comparison"], estimate=interval,
                             p=["" if pd.isna(p) else f"{p:.2g}" for p in head["p_value"]],
                             unit=[f"{u} ({n})" if n else u for u, n in zip(head["unit"], head["n_units"])],
                             test=head["test"], evidence=evidence))


def status(outcomes) -> str:
    """A claim's status on a run from the outcomes of its rows (module docstring)."""
    found = set(outcomes)
    if not found:
        return "not run"
    return found.pop() if len(found) == 1 else "mixed"


def tally(outcomes) -> str:
    """The outcomes of a claim's rows as counts, e.g. '2 holds, 1 undecided'."""
    counts = pd.Series(list(outcomes)).value_counts()
    if counts.empty:
        return "not run"
    return ", ".join(f"{n} {o}" for o, n in counts.items())


def where_reported(experiment: str) -> str:
    """What the papers report of a claim of the experiment: its table or figure, or nothing (implied)."""
    if experiment == "implied":
        return "not stated: follows from the method (an implied check)"
    return f"found: {EXPERIMENTS[experiment].title}"


def claim_rows(claims: pd.DataFrame) -> pd.DataFrame:
    """The rows of the claims themselves (not their per-category detail)."""
    return claims[claims["parent"] == ""]


def scorecard(default: pd.DataFrame, real: pd.DataFrame) -> pd.DataFrame:
    """One row per claim of either run: the paper's finding, status and row counts per run.

    The runs: the built-in default and real text, with the real run's corpora."""
    default, real = claim_rows(default), claim_rows(real)
    order = list(dict.fromkeys([*default["claim"], *real["claim"]]))
    rows = []
    for claim in order:
        mine, theirs = real[real["claim"] == claim], default[default["claim"] == claim]
        first = (mine if len(mine) else theirs).iloc[0]
        rows.append(dict(claim=claim, statement=first["statement"], papers=where_reported(first["experiment"]),
                         default=status(theirs["outcome"]), default_rows=tally(theirs["outcome"]),
                         real=status(mine["outcome"]), real_rows=tally(mine["outcome"]),
                         real_corpora=", ".join(sorted(set(mine["corpus"])))))
    return pd.DataFrame(rows)


def scorecard_counts(card: pd.DataFrame, column: str) -> str:
    """'a holds, b fails, ...' over the scorecard's claims in `column` (default or real)."""
    counts = card[column].value_counts()
    return ", ".join(f"{counts.get(s, 0)} {s}" for s in STATUSES)


def replace_between(path: Path, start: str, end: str, text: str) -> None:
    """Rewrite the file with `text` in place of what lies between the markers `start` and `end`.

    `text` includes the markers."""
    head, rest = path.read_text().split(start, 1)
    path.write_text(head + text + rest.split(end, 1)[1])


def read_claims_csv(path: Path) -> pd.DataFrame:
    """A run's claims as saved by save_claims_csv."""
    return pd.read_csv(path, keep_default_na=False)


def save_claims_csv(claims: pd.DataFrame, path: Path) -> None:
    """The columns of a run's claims that the scorecard reads, as CSV.

    Kept in docs/ beside the page they come from, so that another page can compare runs."""
    columns = ["claim", "experiment", "corpus", "statement", "outcome", "outcome_fdr", "parent"]
    claims[columns].to_csv(path, index=False, quoting=csv.QUOTE_NONNUMERIC)


def job_times(results: Path) -> pd.DataFrame:
    """Every job's benchmark of a run: its rule, seconds, peak memory, and when it ended.

    The rule is the folder under benchmarks/; the end, the file's time."""
    rows = []
    for tsv in sorted((results / "benchmarks").rglob("*.tsv")):
        frame = pd.read_csv(tsv, sep="\t")
        rows.append(dict(rule=tsv.relative_to(results / "benchmarks").parts[0], job=str(tsv.relative_to(
            results / "benchmarks").with_suffix("")), seconds=float(frame["s"].iloc[-1]),
            max_rss_mb=float(frame["max_rss"].iloc[-1]), ended=tsv.stat().st_mtime))
    return pd.DataFrame(rows)


def run_facts(results: Path) -> dict:
    """The commit(s), device(s) and torch of a run's cells, the processor, job time and wall time.

    From its runs table; the wall time from the first job's start to the last one's end."""
    runs = pd.read_parquet(results / "tables" / "runs.parquet")
    jobs = job_times(results)
    started = (jobs["ended"] - jobs["seconds"]).min()
    return dict(commits=sorted(set(runs["commit"])), devices=sorted(set(runs["device"])),
                torch=sorted(set(runs["torch"])), processor=processor(), cells=len(runs),
                job_seconds=float(jobs["seconds"].sum()), train_seconds=float(runs["train_seconds"].sum()),
                wall_seconds=float(jobs["ended"].max() - started))


def processor() -> str:
    """The processor's model name and logical cores (Linux: /proc/cpuinfo)."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines()
                 if line.startswith("model name")]
        if names:
            return f"{names[0]}, {len(names)} logical cores"
    return platform.processor() or platform.machine()
