"""Writing tables as Parquet and Markdown, and pooling a model's runs over its training seeds.

Parquet for programs, Markdown for people, both replaced atomically."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from .model_ids import without_seed

ORDER_KEYS = ("step", "epoch")  # numeric columns that place a row (of a training curve), not values


def over_seeds(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per model, pooling its runs (`-s{seed}` ids) over its training seeds.

    Keyed by the text columns, ORDER_KEYS and `model` without its seed: each numeric x as its
    mean, `x_sd` its sd (ddof 1), `seeds` the runs.  A frame with `seeds` is returned as it is.
    Why: docs/design.md#tables."""
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
    """The frame as a Markdown table, each cell as _cell_text shows it."""
    escaped = frame.map(_cell_text)
    return escaped.to_markdown(index=False, floatfmt=floatfmt)


def _cell_text(value):
    """A cell as Markdown shows it: a list (a claim's cells) joined by ", ", each | escaped as \\|.

    Unescaped, a statement such as "||mu||^2 rises" would split its row."""
    if isinstance(value, (list, tuple, np.ndarray)):
        value = ", ".join(map(str, value))
    return value.replace("|", "\\|") if isinstance(value, str) else value


def write_text(text: str, path) -> None:
    """Write to a temporary name, then rename."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)
