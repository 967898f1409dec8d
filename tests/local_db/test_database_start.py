"""Opening the database on every start: Alembic (half a second of imports) only when a migration runs.

The checks run in a fresh interpreter, because this test process has Alembic loaded already.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine

from local_db import outbox
from local_db.database import head_revision, open_database, plain_head_revision

KEY = bytes(range(32))
ROOT = Path(__file__).resolve().parents[2]

OPEN_AND_REPORT = """
import sys
from pathlib import Path
from local_db.database import open_database
db = open_database(Path(sys.argv[1]), bytes.fromhex(sys.argv[2]))
with db.engine.connect() as conn:
    revision = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
db.close()
print(revision, "alembic" in sys.modules)
"""


def open_in_fresh_process(path: Path) -> tuple[str, bool]:
    out = subprocess.run([sys.executable, "-c", OPEN_AND_REPORT, str(path), KEY.hex()], capture_output=True,
                         text=True, timeout=120, cwd=ROOT, check=True)
    revision, imported = out.stdout.split()
    return revision, imported == "True"


def test_up_to_date_database_opens_without_importing_alembic(tmp_path: Path) -> None:
    path = tmp_path / "counter.sqlite3"
    open_database(path, KEY).close()
    assert open_in_fresh_process(path) == (head_revision(), False)


def test_outdated_database_still_migrates_through_alembic(tmp_path: Path) -> None:
    path = tmp_path / "counter.sqlite3"
    engine = create_engine(f"sqlite:///{path}")  # a plaintext file of an earlier release, at 0001
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(outbox.__file__).parent / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    engine.dispose()
    assert open_in_fresh_process(path) == (head_revision(), True)
    assert (tmp_path / "counter.sqlite3.before-upgrade-from-0001").exists()


def test_head_read_from_the_scripts_is_alembics_head() -> None:
    assert plain_head_revision() == head_revision()


def _scripts(folder: Path, *texts: str) -> Path:
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    for n, text in enumerate(texts):
        (folder / f"{n:04d}_step.py").write_text(text, encoding="utf-8")
    return folder


def test_head_read_from_the_scripts_leaves_anything_unusual_to_alembic(tmp_path: Path) -> None:
    chain = ('revision = "a"\ndown_revision = None\n', "revision: str = 'b'\ndown_revision: str | None = 'a'\n")
    assert plain_head_revision(_scripts(tmp_path / "chain", *chain)) == "b"
    branch = (*chain, 'revision = "c"\ndown_revision = "a"\n')
    assert plain_head_revision(_scripts(tmp_path / "branch", *branch)) is None
    merge = (*chain, 'revision = "c"\ndown_revision = "a"\n', 'revision = "d"\ndown_revision = ("b", "c")\n')
    assert plain_head_revision(_scripts(tmp_path / "merge", *merge)) is None
    computed = (*chain, 'revision = make_id()\ndown_revision = "b"\n')
    assert plain_head_revision(_scripts(tmp_path / "computed", *computed)) is None
    twice = (*chain, 'revision = "c"\nrevision = "d"\ndown_revision = "b"\n')
    assert plain_head_revision(_scripts(tmp_path / "twice", *twice)) is None
