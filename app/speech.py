"""Spoken prompts to the applicant at the counter (issue 19): an offline voice on a thread of its own.

An elderly applicant or one who sees poorly hears what to do next ("请将身份证放在读卡区") instead of having to
read it from a screen. The words are data (``resources/speech/prompts.json``, key -> Chinese text), the voice
is pyttsx3's: espeak-ng (Mandarin ``cmn``) on Linux, SAPI5 on Windows, both offline. Speaking never blocks
the window: ``say`` puts the prompt on a queue that one thread works through, and that thread alone owns the
engine (pyttsx3's engines are not shared between threads). A terminal without a sound device or player says
so once in the log and stays quiet, rather than failing at every prompt.
"""

from __future__ import annotations

import json
import logging
import queue
import shutil
import sys
import threading
import wave
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def load_prompts() -> dict[str, str]:
    """The prompts by key, from ``resources/speech/prompts.json``."""
    text = (resources.files("resources") / "speech" / "prompts.json").read_text(encoding="utf-8")
    prompts = json.loads(text)
    if not isinstance(prompts, dict) or not all(isinstance(k, str) and isinstance(v, str) and v.strip()
                                                for k, v in prompts.items()):
        raise ValueError("resources/speech/prompts.json: expected an object of key -> non-empty text")
    return prompts


def sound_output_available() -> bool:
    """Whether spoken prompts can be heard here: on Linux pyttsx3 plays through ``aplay`` on an ALSA device."""
    if sys.platform != "linux":
        return True  # SAPI (Windows) and NSSpeech (macOS) speak through the system's own output
    snd = Path("/dev/snd")
    return shutil.which("aplay") is not None and snd.is_dir() and any(snd.glob("pcmC*D*p"))


def choose_voice(voices: list[Any], wanted: str) -> str | None:
    """The id of the voice ``wanted`` names: its id, the end of its id (espeak-ng's ``sit/cmn``), a language
    it speaks, or a word of its name (SAPI's "Microsoft Huihui Desktop - Chinese (Simplified)")."""
    want = wanted.strip().lower()
    tests: tuple[Callable[[Any], bool], ...] = (
                 lambda v: str(v.id).lower() == want,
                 lambda v: str(v.id).lower().rsplit("/", 1)[-1] == want,
                 lambda v: any(want == _language(lang) for lang in (getattr(v, "languages", None) or [])),
                 lambda v: want in str(getattr(v, "name", "") or "").lower())
    for test in tests:
        for voice in voices:
            if test(voice):
                return str(voice.id)
    return None


def _language(lang: object) -> str:
    text = lang.decode("utf-8", "replace") if isinstance(lang, bytes) else str(lang)
    return text.strip("\x05\x00 ").lower()


@dataclass(frozen=True)
class Voice:
    """How prompts are spoken: on or off, which voice, how fast (words per minute)."""

    enabled: bool = False
    voice: str = "cmn"
    rate: int = 140


#: pyttsx3.init, or a stand-in with its interface (tests use the real one)
EngineFactory = Callable[[], Any]


def _pyttsx3_engine() -> Any:
    """A new engine for this speaker's thread: not ``pyttsx3.init()``, whose engine cached for the whole
    process may be one a closed speaker's thread left half gone (espeak-ng's callback then reaches a dead
    driver and a prompt written to a file arrives after the call returned)."""
    from pyttsx3.engine import Engine

    return Engine()


#: one piece of work on the speaker's thread: given the configured engine, its result
Job = Callable[[Any], object]


@dataclass(frozen=True)
class VoiceInfo:
    """An installed voice, as a settings screen would list it."""

    id: str
    name: str
    languages: tuple[str, ...]


class Speaker:
    """Says prompts by key, one after another, on its own thread; ``close()`` ends the thread.

    One per process (``app.ui.speaking.application_speaker``): espeak-ng is one synthesiser per process, and
    a second engine takes its output from the first. ``say`` returns at once. ``save`` writes a prompt to a
    WAV file through the same engine and voice (the tests' way to hear a machine without sound) and waits.
    """

    def __init__(self, voice: Voice = Voice(), prompts: Mapping[str, str] | None = None, *,
                 engine_factory: EngineFactory = _pyttsx3_engine, audible: bool | None = None) -> None:
        self.prompts = dict(prompts if prompts is not None else load_prompts())
        self.voice = voice
        self._factory = engine_factory
        self._audible = sound_output_available() if audible is None else audible
        self._told_silent = False
        self._jobs: queue.Queue[tuple[Job, Future[object]] | None] = queue.Queue()
        #: the voice id the engine speaks with, once the thread chose it (None: the engine's default)
        self.voice_id: str | None = None
        self._thread = threading.Thread(target=self._run, name="speaker", daemon=True)
        self._thread.start()

    @property
    def audible(self) -> bool:
        """Whether this terminal has a sound output prompts can be heard on."""
        return self._audible

    def configure(self, voice: Voice) -> None:
        """Turn prompts on or off, or change the voice; the next prompt uses it."""
        self.voice = voice

    def text(self, key: str) -> str:
        if key not in self.prompts:
            raise KeyError(f"no spoken prompt {key!r} in resources/speech/prompts.json")
        return self.prompts[key]

    def say(self, key: str) -> None:
        """Speak the prompt ``key`` when prompts are on and there is something to hear them with."""
        text = self.text(key)
        if not self.voice.enabled:
            return
        if not self._audible:
            if not self._told_silent:
                log.info("no sound output on this terminal: spoken prompts stay silent")
                self._told_silent = True
            return

        def speak(engine: Any) -> None:
            engine.say(text)
            engine.runAndWait()

        self._submit(speak)

    def save(self, key: str, path: Path, timeout: float = 60) -> Path:
        """Write the prompt ``key`` to the WAV file ``path`` with the configured voice (on or off)."""
        text = self.text(key)

        def write(engine: Any) -> Path:
            path.parent.mkdir(parents=True, exist_ok=True)
            for _attempt in range(SAVE_ATTEMPTS):
                engine.save_to_file(text, str(path))
                engine.runAndWait()
                _forget_file(engine)
                if _has_frames(path):
                    break
            return path

        self._submit(write).result(timeout)
        return path

    def voices(self, timeout: float = 30) -> list[VoiceInfo]:
        """The voices installed, from the speaker's own engine."""
        def listed(engine: Any) -> list[VoiceInfo]:
            return [VoiceInfo(str(v.id), str(getattr(v, "name", "") or ""),
                              tuple(_language(lang) for lang in (getattr(v, "languages", None) or [])))
                    for v in engine.getProperty("voices") or []]

        found = self._submit(listed).result(timeout)
        return found if isinstance(found, list) else []

    def close(self, timeout: float = 10) -> None:
        self._jobs.put(None)
        self._thread.join(timeout)

    # -- the speaker's thread ------------------------------------------------------------------------
    def _submit(self, job: Job) -> Future[object]:
        done: Future[object] = Future()
        self._jobs.put((job, done))
        return done

    def _run(self) -> None:
        _com_init()
        engine: Any = None
        configured: Voice | None = None
        while (item := self._jobs.get()) is not None:
            job, done = item
            try:
                if engine is None:
                    engine = self._factory()
                if configured != self.voice:
                    configured = self.voice
                    self._configure(engine, configured)
                done.set_result(job(engine))
            except Exception as exc:  # a broken engine must not take the window with it
                log.warning("speech failed: %s", exc)
                done.set_exception(exc)

    def _configure(self, engine: Any, voice: Voice) -> None:
        self.voice_id = choose_voice(list(engine.getProperty("voices") or []), voice.voice)
        if self.voice_id is None:
            log.warning("no voice %r installed: prompts use the engine's default voice", voice.voice)
        else:
            engine.setProperty("voice", self.voice_id)
        engine.setProperty("rate", voice.rate)
        engine.runAndWait()  # pyttsx3 queues property changes: settled before the prompt, not with it


#: espeak-ng through pyttsx3 now and then ends ``runAndWait`` before the first file of a process has its
#: samples (a WAV header and nothing else, seen on a loaded machine): written again, up to this many times
SAVE_ATTEMPTS = 3


def _has_frames(path: Path) -> bool:
    """Whether ``path`` is a WAV file with at least one sample."""
    try:
        with wave.open(str(path), "rb") as wav:
            return wav.getnframes() > 0
    except (OSError, EOFError, wave.Error):
        return False


def _forget_file(engine: Any) -> None:
    """pyttsx3's espeak driver keeps the last file it saved to and writes every later prompt there instead
    of playing it (pyttsx3 2.99): forget it, so the next ``say`` is heard."""
    driver = getattr(getattr(engine, "proxy", None), "_driver", None)
    if driver is not None and hasattr(driver, "_save_file"):
        driver._save_file = None


def _com_init() -> None:
    """SAPI5 runs over COM, which each thread that uses it initialises (pywin32 comes with pyttsx3 there)."""
    if sys.platform == "win32":
        try:
            import pythoncom  # type: ignore[import-not-found]

            pythoncom.CoInitialize()
        except ImportError:
            pass
