"""One vocabulary for what every device reports: which device, the state it is in now, what happened.

Each watcher says the same few things in the same words, so the app can show any device (a status
indicator, an identity filled into a form, an error in the notice bar) without knowing which it is:

* ``device`` names the device; the app's registry, its settings and its status bar use the same key;
* ``state`` is where the device stands after the event (a ``DeviceState``);
* ``kind`` is the device's own word for what just happened ("inserted", "removed", "opened"…), for
  code that cares about that device in particular (tests, the capture dialog);
* ``payload`` is what it produced (a card record, an ID card record, a camera frame), if anything;
* ``error`` is why it failed or was lost, as one of ``core.errors``.

A device's own event class (``CardEvent``, ``IdCardEvent``, ``CameraEvent``) derives from
``DeviceEvent`` and adds that device's particulars (the reader's name, the camera's modes…).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.errors import CounterError

__all__ = ["REMOVED", "DeviceEvent", "DeviceState"]


class DeviceState(StrEnum):
    """Where a device stands, as the clerk needs to know it."""

    #: no such device is connected (none found yet, or none listed)
    ABSENT = "absent"
    #: connected and waiting for a document
    READY = "ready"
    #: working on a document (a card is being read)
    BUSY = "busy"
    #: it produced something (``payload``): a card was read, a still taken
    READ = "read"
    #: an operation failed (``error``); the device is still there
    FAILED = "failed"
    #: the device, or the service behind it, went away (``error``); it is being looked for again
    LOST = "lost"


#: the ``kind`` of every device's event saying the document read earlier left the device
REMOVED = "removed"


@dataclass(frozen=True, kw_only=True)
class DeviceEvent:
    """Something that happened to a device (delivered on its device thread)."""

    device: str
    state: DeviceState
    kind: str = ""
    payload: object = None
    error: CounterError | None = None
