"""Values that follow from what is already there, so the clerk need not enter them.

``suggest_from_read``: a card read suggests fields it does not fill itself (常住地址 from the ID
card's 户籍地址). ``implied_choices``: a choice implied by the fields typed for only one of its answers.

Most applicants live where they are registered, so retyping the address the ID card already holds is
work without value. The copy is a suggestion: the field stays editable, the banner says it was
prefilled, and only fields whose definition names ``suggest_from`` take part. A definition uses it
only for values no benefit depends on (an address for letters); a choice that changes what the
person pays or receives (参保身份, 缴费基数) is never suggested or defaulted: at most implied by a
value the clerk typed that only one answer asks for, or set to the definition's ``implied_default``
while nothing typed points to another answer (参保身份: a person registering at the counter without an
employer's code is a flexible worker; the employer registers its own staff, seed 004 section 4.2.3).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from forms.definitions import Condition, FormDef


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


def implied_choices(form: FormDef, values: Mapping[str, str]) -> dict[str, str]:
    """Required choices left empty whose answer follows from what was typed.

    A field required only for some answers of a choice (缴费基数 only for 灵活就业人员, 单位编号 only
    for 单位职工) belongs to those answers; when every typed field of that kind belongs to exactly one
    common answer, that answer is implied: a person declaring their own contribution base pays as a
    flexible worker. Nothing is implied from an empty form or from fields of different answers, so
    this never guesses: the choice follows from a value the clerk deliberately typed, and the form
    shows it (the clerk may still change it).
    """
    implied: dict[str, str] = {}
    fields = form.fields()
    for choice in fields:
        if choice.type != "choice" or not choice.required or values.get(choice.key):
            continue
        common: set[str] | None = None
        for other in fields:
            condition = other.required_when
            if (isinstance(condition, Condition) and condition.field == choice.key and condition.values
                    and values.get(other.key, "").strip()):
                answers = set(condition.values)
                common = answers if common is None else common & answers
        if common is not None and len(common) == 1:
            implied[choice.key] = next(iter(common))
        elif common is None and choice.implied_default is not None:
            implied[choice.key] = choice.implied_default  # nothing typed points elsewhere
    return implied
