"""Identifiers both sides check the same way, kept apart from ``protocol.models`` so the terminal's settings
can check a terminal id without loading the wire models (the sign-in path stays light: tests/app/test_startup.py).
"""

from __future__ import annotations

#: a terminal id: what ``central add-terminal`` enrols and a terminal's ``terminal_id`` setting holds (both
#: match it in full, ``re.fullmatch``: a trailing newline is not part of an id)
TERMINAL_ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}"
#: the same rule in words, for whoever typed an id that breaks it
TERMINAL_ID_RULE = "终端编号只能包含字母、数字及 . _ : -，以字母或数字开头，不超过 64 个字符"
