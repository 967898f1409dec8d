"""Verification codes (protocol/certificates.py): random, well formed, and a mistyped one is recognised."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from protocol.certificates import (
    ALPHABET,
    CODE_LENGTH,
    CertificateIn,
    code_well_formed,
    format_code,
    new_code,
    normalise_code,
)

CODES = [new_code(bytes([seed]) * 10) for seed in range(0, 256, 37)] + [new_code() for _ in range(20)]


def test_a_new_code_is_17_symbols_of_the_alphabet_with_a_matching_check_symbol() -> None:
    for code in CODES:
        assert len(code) == CODE_LENGTH and set(code) <= set(ALPHABET) and code_well_formed(code)
    assert len({new_code() for _ in range(200)}) == 200


@pytest.mark.parametrize("code", CODES[:6])
def test_every_single_changed_symbol_is_caught(code: str) -> None:
    for at in range(CODE_LENGTH):
        for symbol in ALPHABET:
            if symbol != code[at]:
                assert not code_well_formed(code[:at] + symbol + code[at + 1:]), (at, symbol)


@pytest.mark.parametrize("code", CODES)
def test_swapped_neighbours_are_caught_but_for_one_pair(code: str) -> None:
    """Luhn mod 32 misses only a swap of the symbols worth 0 and 31 (0 and Z), as Luhn mod 10 misses 09/90."""
    for at in range(CODE_LENGTH - 1):
        pair = {code[at], code[at + 1]}
        swapped = code[:at] + code[at + 1] + code[at] + code[at + 2:]
        if len(pair) == 2 and pair != {"0", "Z"}:
            assert not code_well_formed(swapped), at


def test_a_code_reads_as_typed_in_groups_lower_case_and_with_look_alikes() -> None:
    code = "0123456789ABCDEF" + "G"
    typed = format_code(code).lower().replace("0", "o").replace("1", "l")
    assert normalise_code(typed) == code
    assert normalise_code("too-short") is None and normalise_code("U" * 17) is None


def test_a_payment_certificate_needs_an_ordered_period() -> None:
    body = {"id": "6f1c1a8e-2f0b-4a59-9d3e-0c4b1f5e7a21", "kind": "payment", "id_number": "11010519491231002X",
            "clerk_id": "1001", "presence": {"kind": "card_read"}, "created_at": "2026-12-06T09:30:00+08:00"}
    with pytest.raises(ValidationError):
        CertificateIn.model_validate(body)
    with pytest.raises(ValidationError):
        CertificateIn.model_validate(body | {"period_start": "2025-12", "period_end": "2025-01"})
    assert CertificateIn.model_validate(body | {"period_start": "2025-01", "period_end": "2025-12"})
    with pytest.raises(ValidationError):  # an agent always says their relation
        CertificateIn.model_validate(body | {"kind": "insurance", "presence": {"kind": "agent"}})
