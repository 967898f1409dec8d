"""Tiny CardConnection fakes for the pure layers (no pcscd involved)."""

from __future__ import annotations

from collections.abc import Iterable

from devices.card.errors import CardRemoved
from devices.sim.sscard import Faults, Holder
from devices.sim.sscard_applet import SocialSecurityApplet, encode_holder_records


class ScriptedConnection:
    """Answers each transmit with the next scripted (data, sw); records what was sent."""

    def __init__(self, responses: Iterable[tuple[bytes, int]]) -> None:
        self.responses = list(responses)
        self.sent: list[bytes] = []

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        self.sent.append(apdu)
        if not self.responses:
            raise CardRemoved("script exhausted")
        return self.responses.pop(0)


class AppletConnection:
    """The simulator's chip behind a function call instead of pcscd + vpcd."""

    def __init__(self, holder: Holder, faults: Faults | None = None) -> None:
        faults = faults or Faults()
        self.applet = SocialSecurityApplet(encode_holder_records(holder.card_records(), faults), faults)
        self.sent: list[bytes] = []
        self.closed = False

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        self.sent.append(apdu)
        response = self.applet.process(apdu)
        return response[:-2], int.from_bytes(response[-2:], "big")

    def close(self) -> None:
        self.closed = True
