"""Widgets reach the backends only through queries, use cases and operations.

Every module under ``app/ui`` is parsed (not imported): an import of ``local_db``, ``sync``, ``central``
or ``devices`` anywhere in it, at the top, inside a function or under ``TYPE_CHECKING``, fails the test.
What a widget needs of those packages is re-exported by an app-level module (``app/queries.py``,
``app/scans.py``, ``app/camera.py``, ...), where permissions and an audit trail can hang.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

UI = Path(__file__).resolve().parents[2] / "app" / "ui"
FORBIDDEN = frozenset({"local_db", "sync", "central", "devices"})


def forbidden_imports(source: str, filename: str = "<source>") -> list[str]:
    """``line: module`` for each import of a forbidden package, wherever it sits in the module."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module is not None:
            names = [node.module]
        else:
            continue
        found += [f"{node.lineno}: {name}" for name in names if name.split(".")[0] in FORBIDDEN]
    return found


def ui_modules() -> list[Path]:
    return sorted(UI.rglob("*.py"))


def test_the_checker_finds_imports_wherever_they_are() -> None:
    source = '''
from typing import TYPE_CHECKING
import local_db.models
from app.queries import SubmissionView
if TYPE_CHECKING:
    from devices.scan.pipeline import ScannedPage
def later():
    import sync.sender as s
    from central import store
class Widget:
    def method(self):
        from devicesx import fine
'''
    assert forbidden_imports(source) == ["3: local_db.models", "6: devices.scan.pipeline", "8: sync.sender",
                                         "9: central"]


def test_there_are_ui_modules_to_check() -> None:
    names = {p.relative_to(UI).as_posix() for p in ui_modules()}
    assert {"main_window.py", "pages.py", "records_view.py", "operations/base.py"} <= names


@pytest.mark.parametrize("path", ui_modules(), ids=lambda p: p.relative_to(UI).as_posix())
def test_ui_module_imports_no_backend_package(path: Path) -> None:
    assert forbidden_imports(path.read_text(encoding="utf-8"), str(path)) == []
