"""The front ends use only what `bot.core` exports (bot/core/__init__.py), never its modules."""

import ast
from pathlib import Path

import pytest

import bot.core

ROOT = Path(bot.core.__file__).resolve().parents[2]  # the repository: bot/core/__init__.py is two below
FRONT_ENDS = ("bot/discord", "bot/telegram")


def core_imports(source: str) -> list[tuple[int, str]]:
    """(line, what) for every import of bot.core's modules or of names bot.core does not export."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if alias.name.startswith("bot.core.")]
        elif isinstance(node, ast.ImportFrom) and node.module is not None:
            if node.module.startswith("bot.core."):
                found.append((node.lineno, node.module))
            elif node.module == "bot.core":
                found += [(node.lineno, f"bot.core.{a.name}") for a in node.names if a.name not in bot.core.__all__]
    return found


def front_end_files() -> list[Path]:
    """Every Python file of the Discord and Telegram front ends."""
    return sorted(path for folder in FRONT_ENDS for path in (ROOT / folder).rglob("*.py"))


def test_the_check_sees_each_way_of_reaching_into_the_core() -> None:
    source = (
        "import bot.core.chat.loop\n"
        "from bot.core.chat.loop_state import LoopState\n"
        "from bot.core import chat\n"
        "from bot.core import ChatLoop\n"
        "def later():\n"
        "    from bot.core.chat.actions import Press\n"
    )
    assert core_imports(source) == [
        (1, "bot.core.chat.loop"),
        (2, "bot.core.chat.loop_state"),
        (3, "bot.core.chat"),
        (6, "bot.core.chat.actions"),
    ]


def test_every_exported_name_exists() -> None:
    missing = [name for name in bot.core.__all__ if not hasattr(bot.core, name)]
    assert missing == []


@pytest.mark.parametrize("path", front_end_files(), ids=lambda path: str(path.relative_to(ROOT)))
def test_front_end_imports_only_the_cores_exports(path: Path) -> None:
    assert core_imports(path.read_text()) == [], f"{path.relative_to(ROOT)}: import these from bot.core's exports"
