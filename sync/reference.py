"""Reference data (forms, holidays, yearly figures) pulled from the central system into a local cache.

A data set replaces the cached one only after it validates (forms through the form schema, holidays
and figures through their loaders): a bad set is refused and the old one kept. ETags make an
unchanged set cost one small request.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.errors import CounterError
from local_db import syncstate
from local_db.database import Database
from local_db.submissions import pending_count
from sync.client import CentralClient
from sync.events import ReferenceUpdated, SyncEvent

log = logging.getLogger(__name__)


@dataclass
class ReferenceTarget:
    """Which reference data sets this terminal keeps, and where (a directory outside the package)."""

    directory: Path
    names: tuple[str, ...]
    #: checks a data set before it replaces the cached one; raises on bad data
    validate: Callable[[str, dict[str, Any]], None] = field(default=lambda _n, _d: None)


class ReferencePuller:
    def __init__(self, db: Database, client: CentralClient, target: ReferenceTarget | None,
                 emit: Callable[[SyncEvent], None]) -> None:
        self._db = db
        self._client = client
        self.target = target
        self._emit = emit

    def pull(self) -> list[str]:
        """Fetch changed reference data into the cache; the names updated.

        Raises ``SyncError`` when the central system cannot be asked.
        """
        target = self.target
        if target is None:
            return []
        updated = []
        offered = self._client.reference_index()
        for name in target.names:
            if name not in offered:
                continue
            key = f"etag:{name}"
            path = target.directory / f"{name}.json"
            etag = syncstate.get_value(self._db, key) if path.exists() else None
            if etag is not None and etag == offered[name]:
                continue
            sent = self._client.reference(name, etag)
            if sent is None:
                continue
            try:
                target.validate(name, sent.document)
            except CounterError as exc:
                log.error("reference data %s refused: %s", name, exc.detail)
                continue
            _write_atomically(path, json.dumps(sent.document, ensure_ascii=False, indent=1).encode("utf-8"))
            syncstate.set_values(self._db, {key: sent.etag or offered[name]})
            updated.append(name)
        if updated:  # the terminal reads forms, holidays and figures again
            self._emit(ReferenceUpdated(pending_count(self._db), tuple(updated)))
        return updated


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with open(tmp, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)
