"""tests/ mirrors the packages: each test folder is named after the package or module it tests."""

from pathlib import Path

from tests.support.paths import REPO

MIRRORED = ("harmonize", "bot")


def folders_below(root: Path, package: str) -> list[str]:
    """Folders below tests/<package> (relative, with /), without caches."""
    base = root / "tests" / package
    return sorted(str(p.relative_to(base)) for p in base.rglob("*") if p.is_dir() and "__pycache__" not in p.parts)


def test_every_test_folder_names_a_package_or_module() -> None:
    strays = []
    for package in MIRRORED:
        for folder in folders_below(REPO, package):
            source = REPO / package / folder
            if not (source.is_dir() or source.with_suffix(".py").is_file()):
                strays.append(f"tests/{package}/{folder}")
    assert strays == []


def test_no_test_module_outside_the_mirror_except_repository_wide_checks() -> None:
    loose = sorted(p.name for p in (REPO / "tests").glob("test_*.py"))
    assert loose == ["test_doc_citations.py", "test_dockerfile.py", "test_layout.py"]
