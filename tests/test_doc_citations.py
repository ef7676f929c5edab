"""Every citation of the project's own reference documents names a section that exists.

Code cites `docs/algorithm.md §3.5` and `docs/bot-conventions.md §1`; a renumbered or deleted
section would otherwise leave those comments pointing nowhere.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = ("docs/algorithm.md", "docs/bot-conventions.md")
SCANNED = ("harmonize", "bot", "tests", "docs", "scripts", "README.md", "pyproject.toml", ".env.example")
SUFFIXES = {".py", ".md", ".toml", ".example", ".sh", ""}
HEADING = re.compile(r"^#{2,}\s+(\d+(?:\.\d+)*)[.\s]", re.MULTILINE)
CITATION = re.compile(r"(docs/(?:algorithm|bot-conventions)\.md)((?:(?!docs/)[^\n])*)")  # up to the next one
SECTION = re.compile(r"§\s?(\d+(?:\.\d+)*)")


def sections(document: str) -> set[str]:
    """The section numbers of a document's headings ("3", "3.5", ...)."""
    return set(HEADING.findall((ROOT / document).read_text(encoding="utf-8")))


def cited(text: str) -> list[tuple[str, str]]:
    """(document, section) for every "docs/<name>.md §N" in `text`, including "§N, §M" lists."""
    found = []
    for match in CITATION.finditer(text):
        tail = match.group(2).split(")", 1)[0]  # a citation in brackets ends with them
        found += [(match.group(1), number) for number in SECTION.findall(tail)]
    return found


def scanned_files() -> list[Path]:
    """The project's text files that may cite the documents."""
    files: list[Path] = []
    for name in SCANNED:
        path = ROOT / name
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files += [
                p for p in path.rglob("*") if p.is_file() and p.suffix in SUFFIXES and "__pycache__" not in p.parts
            ]
    return files


def test_the_citation_parser_finds_lists_and_stops_at_the_next_document() -> None:
    text = "x  # (docs/algorithm.md §3.2, §4.1) and docs/bot-conventions.md §5, §2"
    assert cited(text) == [
        ("docs/algorithm.md", "3.2"),
        ("docs/algorithm.md", "4.1"),
        ("docs/bot-conventions.md", "5"),
        ("docs/bot-conventions.md", "2"),
    ]
    assert cited("(see docs/algorithm.md §7.2) then §1") == [("docs/algorithm.md", "7.2")]
    assert cited("docs/algorithm.md, wikiart_output.txt") == []


@pytest.mark.parametrize("document", DOCUMENTS)
def test_the_documents_have_numbered_sections(document: str) -> None:
    assert {"1", "2", "3", "4", "5"} <= sections(document)


def test_every_cited_section_exists() -> None:
    known = {document: sections(document) for document in DOCUMENTS}
    missing = [
        f"{path.relative_to(ROOT)}: {document} §{number}"
        for path in scanned_files()
        for document, number in cited(path.read_text(encoding="utf-8", errors="replace"))
        if number not in known[document]
    ]
    assert not missing, "citations of sections that do not exist:\n" + "\n".join(missing)


def test_the_algorithm_document_refers_only_to_its_own_sections() -> None:
    text = (ROOT / "docs/algorithm.md").read_text(encoding="utf-8")
    own = sections("docs/algorithm.md")
    missing = sorted({number for number in SECTION.findall(text) if number not in own})
    assert not missing, f"docs/algorithm.md refers to missing sections: {missing}"


# Documents that are not in the repository: a reader cannot follow a citation of them.
ABSENT = re.compile(r"\b(?:ALGORITHM|BOTS|DEVELOPERS)\.md\b")
# Sections that moved out of the README into docs/design/ (performance.md, calibration.md).
MOVED = re.compile(r"README(?:, | \")(?:performance|calibration)", re.IGNORECASE)


def stale_citations(text: str) -> list[str]:
    """The citations in `text` of documents outside the repository or of moved README sections."""
    return ABSENT.findall(text) + MOVED.findall(text)


def test_the_stale_citation_finder_finds_each_kind() -> None:
    assert stale_citations("# (ALGORITHM.md §3) and BOTS.md §1, see DEVELOPERS.md") == [
        "ALGORITHM.md",
        "BOTS.md",
        "DEVELOPERS.md",
    ]
    assert stale_citations('(README, performance) and README "Calibration"') == [
        "README, performance",
        'README "Calibration',
    ]
    assert stale_citations("docs/algorithm.md §3, docs/design/performance.md") == []


def test_no_citation_of_a_document_outside_the_repository_is_left() -> None:
    this_file = Path(__file__).resolve()
    stale = [
        f"{path.relative_to(ROOT)}: {found}"
        for path in scanned_files()
        if path.resolve() != this_file  # its own patterns name them
        for found in stale_citations(path.read_text(encoding="utf-8", errors="replace"))
    ]
    assert not stale, "cite docs/algorithm.md, docs/bot-conventions.md or docs/design/ instead:\n" + "\n".join(stale)
