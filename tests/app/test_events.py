"""The event hub and the frozen composition root: replay to late listeners, unsubscribe as a barrier,
reference data read again when the sync engine stored new data."""

from __future__ import annotations

import dataclasses
import threading
import time
from typing import Any

import pytest

from app.events import EventHub
from app.terminal import Terminal
from sync.events import Online, ReferenceUpdated


def test_a_late_listener_hears_the_latest_event_of_each_slot_once() -> None:
    hub: EventHub[tuple[str, int]] = EventHub(lambda event: event[0])
    for event in (("card", 1), ("sender", 1), ("card", 2)):
        hub.publish(event)
    heard: list[tuple[str, int]] = []
    hub.subscribe(heard.append)
    assert sorted(heard) == [("card", 2), ("sender", 1)]
    hub.publish(("sender", 2))
    assert heard[-1] == ("sender", 2) and len(heard) == 3
    hub.unsubscribe(heard.append)
    assert not hub.listening(heard.append)
    hub.publish(("card", 3))
    assert len(heard) == 3


def test_a_listener_may_publish() -> None:
    hub: EventHub[int] = EventHub()
    heard: list[int] = []

    def echo(event: int) -> None:
        heard.append(event)
        if event < 3:
            hub.publish(event + 1)

    hub.subscribe(echo)
    hub.publish(1)
    assert heard == [1, 2, 3]


def test_unsubscribe_waits_for_a_call_in_flight() -> None:
    hub: EventHub[str] = EventHub()
    entered, finished = threading.Event(), threading.Event()

    def slow(_event: str) -> None:
        entered.set()
        time.sleep(0.3)
        finished.set()

    hub.subscribe(slow)
    publisher = threading.Thread(target=hub.publish, args=("x",))
    publisher.start()
    assert entered.wait(5)
    hub.unsubscribe(slow)
    assert finished.is_set()  # once unsubscribe returned, the listener is not running
    publisher.join()


def test_the_terminal_is_frozen_and_new_reference_data_is_read_again(make_terminal: Any) -> None:
    terminal: Terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    with pytest.raises(dataclasses.FrozenInstanceError):
        terminal.sender = None  # type: ignore[misc]
    form = terminal.reference.form("personal_registration")
    assert terminal.reference.form("personal_registration") is form  # read once
    terminal.publish(Online(0))
    assert terminal.reference.form("personal_registration") is form
    terminal.publish(ReferenceUpdated(0, ("forms",)))
    assert terminal.reference.form("personal_registration") is not form  # forgotten, read again
    heard: list[object] = []
    terminal.events.subscribe(heard.append)  # the connection state and the latest activity, apart
    assert [type(e) for e in heard] == [Online, ReferenceUpdated]
