"""What a JSON value on the wire may be, and how a request body is read (docs/sync-protocol.md, "Validation").

Python's ``json`` module takes more than the protocol allows, and some of what it takes only fails
later, deep in the server: a lone surrogate (``"\\ud800"``) is a string until it is encoded for the
database; ``1e400`` becomes ``inf``; an integer of 5000 digits raises in ``int()``; nesting a few
thousand levels deep exhausts the recursion limit; a repeated key silently keeps the last value.
Each of those is a malformed request, to be answered 422 like any other, and never a 500.

So a body is read in two steps:

- ``read_body`` turns the bytes into Python values or refuses the body as a whole: not UTF-8, not
  JSON, nested deeper than ``MAX_BODY_DEPTH``, a key repeated in one object. None of these can be
  pinned on one item of a batch, and no JSON encoder produces them from a mapping.
- ``check_value`` (run by the request models, ``protocol.models``) refuses what can be pinned on one
  item: strings with a lone surrogate or U+0000, numbers that are not finite, integers beyond
  64 bits, free-form values nested deeper than ``MAX_VALUE_DEPTH``, strings longer than
  ``MAX_TEXT_LENGTH``. ``read_body`` lets those through on purpose (an out-of-range integer becomes
  one just out of range, without converting thousands of digits), so that in a batch they fail
  their item alone.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import Any

#: the largest value of a PostgreSQL ``integer`` column (SQLAlchemy ``Integer``)
INT32_MAX = 2**31 - 1
#: the range of a PostgreSQL ``bigint`` column (SQLAlchemy ``BigInteger``); no integer on the wire goes beyond
INT64_MAX = 2**63 - 1
INT64_MIN = -(2**63)
#: how deep a free-form value (a submission's ``payload``, an audit entry's ``detail``) may nest; the value
#: itself is level 1. A form's payload is two levels deep (its fields, ``_provenance``/``_waivers``).
MAX_VALUE_DEPTH = 16
#: how deep a whole request body may nest: a batch's envelope and item are three levels above a payload
MAX_BODY_DEPTH = MAX_VALUE_DEPTH + 4
#: characters in one string of a free-form value (a form field, a remark)
MAX_TEXT_LENGTH = 65536
#: characters in one key of a free-form value (a form field's key)
MAX_KEY_LENGTH = 256
#: characters in a 催办's note (a sentence or two to the central reviewer, not a document)
REMINDER_NOTE_MAX = 500

#: what no string on the wire may hold: U+0000 (PostgreSQL text cannot store it) and lone surrogates
#: (they cannot be encoded as UTF-8, so not stored, hashed or answered)
_FORBIDDEN_CHARACTER = re.compile("[\x00\ud800-\udfff]")
#: a JSON string literal, to be skipped when counting brackets
_STRING_LITERAL = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_INNERMOST_PAIR = re.compile(r"\[\]|\{\}")
#: digits of the largest int64 (19); an integer literal with more is out of range whatever it says
_INT64_DIGITS = 19


class BodyError(ValueError):
    """A request body that cannot be read as the protocol's JSON; ``message`` says why (never the content)."""


def forbidden_character(text: str) -> str | None:
    """Why ``text`` may not travel (a lone surrogate or U+0000), or None."""
    found = _FORBIDDEN_CHARACTER.search(text)
    if found is None:
        return None
    return "holds U+0000" if found.group() == "\x00" else "holds a lone surrogate (not valid Unicode)"


def check_text(text: str) -> str:
    """A string field of a request model: no lone surrogate, no U+0000 (pydantic ``AfterValidator``)."""
    problem = forbidden_character(text)
    if problem is not None:
        raise ValueError(f"text {problem}")
    return text


def _label(path: tuple[str, ...]) -> str:
    # Keys only, shortened: the message names where, never what was sent.
    shown = [key if len(key) <= 32 and forbidden_character(key) is None else "…" for key in path]
    return ".".join(shown) or "value"


def check_value(value: Any, *, max_depth: int = MAX_VALUE_DEPTH, max_text: int = MAX_TEXT_LENGTH,
                where: tuple[str, ...] = ()) -> None:
    """Refuse (``ValueError``) what a JSON value read by ``read_body`` may hold but the protocol does not take.

    Walks without recursion, so a value too deep is refused, not a crash. Containers deeper than
    ``max_depth`` (``value`` itself is level 1), keys that are not strings or longer than
    ``MAX_KEY_LENGTH``, strings longer than ``max_text`` or holding a lone surrogate or U+0000,
    integers outside int64, floats that are not finite and anything that is not JSON are refused.
    """
    stack: list[tuple[Any, int, tuple[str, ...]]] = [(value, 1, where)]
    while stack:
        item, depth, path = stack.pop()
        if isinstance(item, dict):
            if depth > max_depth:
                raise ValueError(f"{_label(path)}: nested more than {max_depth} levels deep")
            for key, child in item.items():
                if not isinstance(key, str):
                    raise ValueError(f"{_label(path)}: keys must be strings")
                problem = forbidden_character(key)
                if problem is not None:
                    raise ValueError(f"{_label(path)}: a key {problem}")
                if len(key) > MAX_KEY_LENGTH:
                    raise ValueError(f"{_label(path)}: a key is longer than {MAX_KEY_LENGTH} characters")
                stack.append((child, depth + 1, (*path, key)))
        elif isinstance(item, list):
            if depth > max_depth:
                raise ValueError(f"{_label(path)}: nested more than {max_depth} levels deep")
            stack.extend((child, depth + 1, (*path, str(index))) for index, child in enumerate(item))
        elif isinstance(item, str):
            if len(item) > max_text:
                raise ValueError(f"{_label(path)}: text longer than {max_text} characters")
            problem = forbidden_character(item)
            if problem is not None:
                raise ValueError(f"{_label(path)}: text {problem}")
        elif item is None or isinstance(item, bool):
            continue
        elif isinstance(item, int):
            if not INT64_MIN <= item <= INT64_MAX:
                raise ValueError(f"{_label(path)}: integer beyond 64 bits")
        elif isinstance(item, float):
            if not math.isfinite(item):
                raise ValueError(f"{_label(path)}: number is not finite (NaN, Infinity or out of range)")
        else:
            raise ValueError(f"{_label(path)}: not a JSON value")


def _parse_int(literal: str) -> int:
    """An integer literal; one with more digits than any int64 becomes the nearest value out of range."""
    digits = len(literal) - literal.startswith("-")
    if digits > _INT64_DIGITS:
        return INT64_MIN - 1 if literal.startswith("-") else INT64_MAX + 1
    return int(literal)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document = dict(pairs)
    if len(document) != len(pairs):
        raise BodyError("an object repeats a key")
    return document


def nesting_depth_exceeds(text: str, max_depth: int) -> bool:
    """Whether the JSON ``text`` nests deeper than ``max_depth`` (or its brackets do not pair up).

    Decided with regular expressions, in time linear in the text per level, before the recursive
    parser gets to see it: brackets inside strings are dropped, then innermost pairs are removed
    once per level.
    """
    brackets = _NOT_BRACKET.sub("", _STRING_LITERAL.sub("", text))
    for _level in range(max_depth):
        if not brackets:
            return False
        brackets = _INNERMOST_PAIR.sub("", brackets)
    return bool(brackets)


def read_body(raw: bytes, *, max_depth: int = MAX_BODY_DEPTH) -> Any:
    """The JSON document in ``raw`` (UTF-8), or ``BodyError`` saying why it is not one the protocol takes.

    ``NaN``, ``Infinity``, ``1e400`` and integers beyond 64 bits are read (as values ``check_value``
    refuses), so a batch item holding one fails alone.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BodyError(f"the body is not valid UTF-8 (at byte {exc.start})") from None
    if nesting_depth_exceeds(text, max_depth):
        opened = text.count("[") + text.count("{")
        if opened != text.count("]") + text.count("}"):  # brackets in strings count too: a rough hint only
            raise BodyError(f"the body is not valid JSON, or nests more than {max_depth} levels deep")
        raise BodyError(f"the body nests more than {max_depth} levels deep")
    parse_int: Callable[[str], Any] = _parse_int
    try:
        return json.loads(text, parse_int=parse_int, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as exc:
        raise BodyError(f"the body is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    except RecursionError:  # not reached after the depth check; never a crash all the same
        raise BodyError(f"the body nests more than {max_depth} levels deep") from None
