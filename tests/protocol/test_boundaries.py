"""What ``protocol/`` and ``sync/`` may import (docs/design-notes.md), checked on their source.

``protocol/`` is shared by the terminal and the central system, so it must stay free of storage, HTTP
clients and Qt; ``sync/`` never touches Qt; ``central/`` knows the terminal only through ``protocol/``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
OURS = {"app", "central", "core", "devices", "forms", "local_db", "protocol", "resources", "sync"}
ALLOWED = {
    # package: (our packages it may import, third-party packages it may import)
    "protocol": ({"core", "protocol"}, {"pydantic"}),
    "sync": ({"core", "protocol", "local_db", "sync"}, {"httpx", "pydantic", "cryptography"}),
}
FORBIDDEN_FOR_CENTRAL = {"app", "devices", "local_db", "sync"}


def _imports(package: str) -> set[tuple[str, str]]:
    """(module file, top-level name imported) for every absolute import in a package."""
    found = set()
    for path in (REPO / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {(path.name, alias.name.split(".")[0]) for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add((path.name, node.module.split(".")[0]))
    return found


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_imports_stay_within_what_the_package_may_use(package: str) -> None:
    ours, third_party = ALLOWED[package]
    stdlib = set(__import__("sys").stdlib_module_names) | {"__future__"}
    wrong = sorted((module, name) for module, name in _imports(package)
                   if (name in OURS and name not in ours) or (name not in OURS and name not in stdlib
                                                              and name not in third_party))
    assert wrong == []


def test_central_knows_the_terminal_only_through_protocol() -> None:
    assert sorted((m, n) for m, n in _imports("central") if n in FORBIDDEN_FOR_CENTRAL) == []
