"""README is a front page: short, linking every page under docs/, and every relative link of it and
of the docs pages leads to a file of the repository."""

import re
from pathlib import Path

from conftest import REPO

LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")  # [text](target) and ![alt](target)
MAX_LINES = 250


def relative_links(page: Path) -> list[str]:
    """The page's link targets that point into the repository (no scheme, no bare #anchor), the
    anchor dropped; code blocks left out."""
    text = re.sub(r"```.*?```", "", page.read_text(), flags=re.DOTALL)
    targets = [t.split("#", 1)[0] for t in LINK.findall(text)]
    return [t for t in targets if t and not re.match(r"[a-z][a-z0-9+.-]*:", t)]


def test_readme_is_at_most_250_lines():
    assert len((REPO / "README.md").read_text().splitlines()) <= MAX_LINES


def test_readme_links_every_docs_page():
    linked = set(relative_links(REPO / "README.md"))
    missing = [p.name for p in sorted((REPO / "docs").glob("*.md")) if f"docs/{p.name}" not in linked]
    assert not missing, f"docs pages README does not link: {missing}"


def test_every_relative_link_of_readme_and_the_docs_leads_to_a_file():
    pages = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
    broken = [f"{page.relative_to(REPO)}: {target}" for page in pages for target in relative_links(page)
              if not (page.parent / target).exists()]
    assert not broken, broken


def test_readme_keeps_its_generated_blocks_and_quick_start():
    readme = (REPO / "README.md").read_text()
    for marker in ("results", "scorecard"):
        assert readme.count(f"<!-- {marker}:start -->") == 1 and readme.count(f"<!-- {marker}:end -->") == 1
    assert "snakemake --cores 2 tables" in readme and "python3 -m pytest" in readme
