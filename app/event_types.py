"""The background events the window shows, under app-level names (widgets import no ``sync`` or ``devices``).

The sync engine reports ``SenderEvent``s; each device still has its own event type, which the status
indicators and the window's event handler tell apart. Issue 15 gives the sync engine a typed union of
events and every device one vocabulary; those replace the names here.
"""

from __future__ import annotations

from app.camera import CameraEvent
from devices.card.watch import CardEvent
from devices.idcard.watch import IdCardEvent
from sync.sender import SenderEvent

__all__ = ["CameraEvent", "CardEvent", "IdCardEvent", "SenderEvent"]
