"""The sync engine's events under an app-level name (widgets import no ``sync``).

Device events come through ``app/device_registry.py``, the camera's frames through ``app/camera.py``.
"""

from __future__ import annotations

from sync.sender import SenderEvent

__all__ = ["SenderEvent"]
