"""Writing tables as Parquet and Markdown, and pooling a model's runs over its training seeds.

Parquet for programs, Markdown for people, both replaced atomically."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from .model_ids import without_seed

ORDER_KEYS = ("step", "epoch")  # numeric columns that place a row (of a training curve), not values


def over_seeds(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per model, pooling its runs over its training seeds.

    The runs have model ids `-s{seed}` (textvae.config); the rows are keyed by the text columns
    and ORDER_KEYS with `model` without its seed:

    each other numeric column x as its mean over the runs, `x_sd` its sd over them (ddof 1) and
    `seeds` the number of runs.  A model of one run keeps its id (`seeds` 1, `x_sd` NaN).  A
    frame pooled already (with `seeds`) is returned as it is."""
    if "seeds" in frame:
        return frame
    frame = frame.drop(columns=["seed"], errors="ignore").assign(run=frame["model"],
                                                                   model=frame["model"].map(without_seed))
    keys = [c for c in frame if c != "run" and (c in ORDER_KEYS or not pd.api.types.is_numeric_dtype(frame[c]))]
    values = [c for c in frame if c not in keys and c != "run"]
    groups = frame.groupby(keys, sort=False, dropna=False)
    out = pd.concat([groups[values].mean(), groups[values].std().add_suffix("_sd"),
                     groups.size().rename("seeds"), groups["run"].first()], axis=1).reset_index()
    out["model"] = out["model"].where(out["seeds"] > 1, out["run"])
    return out.drop(columns="run")


def _seed_means(frame: pd.DataFrame, floatfmt: str) -> pd.DataFrame | None:
    """over_seeds as text, "mean ± sd" where a model has several runs; None if none has."""
    if (frame["model"].map(without_seed) == frame["model"]).all():
        return None
    pooled = over_seeds(frame)
    shown = pooled[[c for c in pooled if not c.endswith("_sd")]].copy()
    for column in [c for c in shown if f"{c}_sd" in pooled]:
        shown[column] = [f"{m:{floatfmt}}" + (f" ± {s:{floatfmt}}" if n > 1 and s > 0 else "")
                         for m, s, n in zip(pooled[column], pooled[f"{column}_sd"], pooled["seeds"])]
    return shown


def write_parquet(frame: pd.DataFrame, path) -> None:
    """Write to a temporary name, then rename: a reader never sees half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    frame.to_parquet(tmp, index=False)
    os.replace(tmp, path)


def write_table(frame: pd.DataFrame, parquet, md, title: str,
                sections: dict[str, pd.DataFrame] | None = None, floatfmt: str = ".2f") -> None:
    """Write a table as Parquet and as a Markdown page.

    The page is headed by `title` (numbers printed with
    `floatfmt`), then, where the table's models have runs of several training seeds, their mean
    ± sd over the seeds, then the `sections` (heading -> frame) that the page shows below it."""
    write_parquet(frame, parquet)
    text = f"# {title}\n\n{markdown(frame, floatfmt)}\n"
    means = _seed_means(frame, floatfmt) if "model" in frame else None
    if means is not None:
        sections = {"Mean ± sd over the training seeds": means, **(sections or {})}
    for heading, part in (sections or {}).items():
        text += f"\n## {heading}\n\n{markdown(part, floatfmt)}\n"
    write_text(text, md)


def markdown(frame: pd.DataFrame, floatfmt: str = ".2f") -> str:
    """The frame as a Markdown table, each | inside a text cell escaped as \\| (a statement such
    as "||mu||^2 rises" would otherwise split its row)."""
    escaped = frame.map(lambda value: value.replace("|", "\\|") if isinstance(value, str) else value)
    return escaped.to_markdown(index=False, floatfmt=floatfmt)


def write_text(text: str, path) -> None:
    """Write to a temporary name, then rename."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)
