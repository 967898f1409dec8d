"""Spoken prompts (issue 19, item 4): each prompt comes out of the real offline engine (pyttsx3 over espeak-ng)
as Mandarin speech, written to a WAV file because this machine has no sound device: a valid file, long
enough for the sentence, and loud, not silence."""

from __future__ import annotations

import array
import logging
import math
import wave
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.speech import Speaker, Voice, choose_voice, load_prompts

#: what the issue names, at least
REQUIRED = {"place_id_card", "sign", "rate", "done", "agent_card"}


@pytest.fixture(scope="module")
def speaker() -> Iterator[Speaker]:
    """One engine for the module, as one per process in the terminal (espeak-ng is process-wide)."""
    made = Speaker(Voice(enabled=True, voice="cmn"))
    yield made
    made.close()


def read_wav(path: Path) -> tuple[float, float]:
    """Duration in seconds and RMS level (16-bit units) of a mono or stereo 16-bit WAV file."""
    with wave.open(str(path), "rb") as wav:
        assert wav.getsampwidth() == 2, "16-bit PCM expected"
        frames = wav.readframes(wav.getnframes())
        duration = wav.getnframes() / wav.getframerate()
    samples = array.array("h", frames)
    rms = math.sqrt(sum(s * s for s in samples) / len(samples)) if samples else 0.0
    return duration, rms


def test_the_prompts_the_issue_names_are_there_in_chinese() -> None:
    prompts = load_prompts()
    assert prompts.keys() >= REQUIRED
    assert prompts["place_id_card"] == "请将身份证放在读卡区"
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in text) for text in prompts.values())


@pytest.mark.parametrize("key", sorted(load_prompts()))
def test_each_prompt_is_spoken_not_silence(speaker: Speaker, tmp_path: Path, key: str) -> None:
    path = speaker.save(key, tmp_path / f"{key}.wav")
    with path.open("rb") as raw:
        head = raw.read(12)
    assert head[:4] == b"RIFF" and head[8:12] == b"WAVE"
    duration, rms = read_wav(path)
    characters = len(speaker.text(key))
    assert duration > max(0.5, 0.12 * characters), f"{key}: {duration:.2f} s for {characters} characters"
    assert rms > 300, f"{key}: RMS {rms:.0f} is near silence"


def test_the_mandarin_voice_is_the_one_speaking(speaker: Speaker, tmp_path: Path) -> None:
    speaker.save("done", tmp_path / "done.wav")
    assert speaker.voice_id is not None and speaker.voice_id.rsplit("/", 1)[-1] == "cmn"


def test_the_voice_setting_reaches_the_engine(speaker: Speaker, tmp_path: Path) -> None:
    """English espeak spells Chinese characters out ("Chinese letter …"), Mandarin reads them as syllables:
    a voice setting silently ignored would give the same length twice."""
    try:
        speaker.configure(Voice(enabled=True, voice="en"))
        english, _ = read_wav(speaker.save("place_id_card", tmp_path / "en.wav"))
        assert speaker.voice_id is not None and speaker.voice_id.endswith("/en")
    finally:
        speaker.configure(Voice(enabled=True, voice="cmn"))
    chinese, _ = read_wav(speaker.save("place_id_card", tmp_path / "cmn.wav"))
    assert abs(english - chinese) > 0.5


def test_choose_voice_finds_mandarin_by_its_short_name(speaker: Speaker) -> None:
    voices = speaker.voices()
    assert any("cmn" in voice.languages for voice in voices)
    found = choose_voice(voices, "cmn")
    assert found is not None and found.endswith("cmn")
    assert choose_voice(voices, "no-such-voice") is None


def test_without_a_sound_device_prompts_are_silent_and_said_once_in_the_log(
        caplog: pytest.LogCaptureFixture) -> None:
    quiet = Speaker(Voice(enabled=True), audible=False)
    try:
        with caplog.at_level(logging.INFO, logger="app.speech"):
            quiet.say("place_id_card")
            quiet.say("sign")
            quiet.say("done")
    finally:
        quiet.close()
    assert [r.getMessage() for r in caplog.records].count(
        "no sound output on this terminal: spoken prompts stay silent") == 1


def test_an_unknown_prompt_is_refused_even_when_speech_is_off() -> None:
    off = Speaker(Voice(enabled=False))
    try:
        with pytest.raises(KeyError):
            off.say("no_such_prompt")
    finally:
        off.close()
