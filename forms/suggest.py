"""Values a card read suggests for fields it does not fill itself (常住地址 from the ID card's 户籍地址).

Most applicants live where they are registered, so retyping the address the ID card already holds is
work without value. The copy is a suggestion: the field stays editable, the banner says it was
prefilled, and only fields whose definition names ``suggest_from`` take part. A definition uses it
only for values no benefit depends on (an address for letters); a choice that changes what the
person pays or receives (参保身份, 缴费基数) is never suggested.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from forms.definitions import FormDef


def suggest_from_read(form: FormDef, filled: Iterable[str], value: Callable[[str], str],
                      set_value: Callable[[str, str], None]) -> list[str]:
    """Copy each just-filled field into the empty fields that suggest from it; returns their labels."""
    filled = set(filled)
    labels: list[str] = []
    for field in form.fields():
        source = field.suggest_from
        if source is None or source not in filled or value(field.key):
            continue
        copied = value(source)
        if copied:
            set_value(field.key, copied)
            labels.append(field.label)
    return labels
