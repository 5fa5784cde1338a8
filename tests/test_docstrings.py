"""Docstrings a reader finishes: a one-line summary, then the formula or contract, rarely over 60 words.

The reasoning and the measurements behind a module live in docs/design.md, linked by name.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1] / "src" / "textvae"
WORDS = 60  # "rarely more than": at most SHARE of the docstrings above it
SHARE = 0.05
MOST_WORDS = 120  # none above it
SUMMARY_ENDS = (".", ":", "?", "!")
DOCUMENTED = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


def docstrings() -> list[tuple[str, str]]:
    """(place, raw docstring) of every module, class and function under src/textvae, place as path:line name."""
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, DOCUMENTED) and (text := ast.get_docstring(node, clean=False)) is not None:
                where = f"{path.relative_to(SOURCE.parent)}:{getattr(node, 'lineno', 1)} {getattr(node, 'name', '')}"
                found.append((where.rstrip(), text))
    return found


def words(text: str) -> int:
    """The number of whitespace-separated words of a text."""
    return len(text.split())


def test_docstrings_are_found():
    assert len(docstrings()) > 100


def test_docstrings_are_short():
    counted = [(words(text), where) for where, text in docstrings()]
    long = sorted(((n, where) for n, where in counted if n > WORDS), reverse=True)
    listing = "\n".join(f"  {n:4d} words  {where}" for n, where in long)
    too_long = [where for n, where in long if n > MOST_WORDS]
    assert not too_long, f"docstrings over {MOST_WORDS} words (move the reasoning to docs/design.md):\n{listing}"
    assert len(long) <= SHARE * len(counted), (
        f"{len(long)} of {len(counted)} docstrings are over {WORDS} words (at most {SHARE:.0%} may be):\n{listing}")


def test_docstrings_open_with_a_one_line_summary():
    offenders = []
    for where, text in docstrings():
        lines = text.split("\n")
        summary = lines[0].strip()
        if not summary or not summary.endswith(SUMMARY_ENDS) or (len(lines) > 1 and lines[1].strip()):
            offenders.append(f"  {where}: {summary[:80]!r}")
    assert not offenders, ("docstrings whose first line is not a whole summary (non-empty, ending in one of "
                           f"{' '.join(SUMMARY_ENDS)}, then a blank line or the end):\n" + "\n".join(offenders))


def test_design_links_resolve():
    design = SOURCE.parents[1] / "docs" / "design.md"
    anchors = {re.sub(r"[^\w\- ]", "", line.lstrip("#").strip().lower()).replace(" ", "-")
               for line in design.read_text().splitlines() if line.startswith("#")}
    broken = [f"  {where}: #{anchor}" for where, text in docstrings()
              for anchor in re.findall(r"docs/design\.md#([\w\-]+)", text) if anchor not in anchors]
    assert not broken, "docstrings link to sections docs/design.md does not have:\n" + "\n".join(broken)
