"""The sync engine's events under app-level names (widgets import no ``sync``).

Device events come through ``app/device_registry.py``, the camera's frames through ``app/camera.py``.
"""

from __future__ import annotations

from sync.events import (
    SYNC_EVENTS,
    Accepted,
    Failed,
    Offline,
    Online,
    ReferenceAwaiting,
    ReferenceRefused,
    ReferenceUpdated,
    Retrying,
    StatusChanged,
    SyncEvent,
    submission_of,
)

__all__ = ["SYNC_EVENTS", "Accepted", "Failed", "Offline", "Online", "ReferenceAwaiting", "ReferenceRefused",
           "ReferenceUpdated", "Retrying", "StatusChanged", "SyncEvent", "submission_of"]
