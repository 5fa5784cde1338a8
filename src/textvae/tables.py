"""Writing tables: Parquet for programs, Markdown for people, both replaced atomically."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd


def write_parquet(frame: pd.DataFrame, path) -> None:
    """Write to a temporary name, then rename: a reader never sees half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    frame.to_parquet(tmp, index=False)
    os.replace(tmp, path)


def write_table(frame: pd.DataFrame, parquet, md, title: str,
                sections: dict[str, pd.DataFrame] | None = None, floatfmt: str = ".2f") -> None:
    """The table as Parquet and as a Markdown page headed by `title` (numbers printed with
    `floatfmt`), followed by the `sections` (heading -> frame) that the page shows below it."""
    write_parquet(frame, parquet)
    text = f"# {title}\n\n{frame.to_markdown(index=False, floatfmt=floatfmt)}\n"
    for heading, part in (sections or {}).items():
        text += f"\n## {heading}\n\n{part.to_markdown(index=False, floatfmt=floatfmt)}\n"
    write_text(text, md)


def write_text(text: str, path) -> None:
    """Write to a temporary name, then rename."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)
