"""The standard agent (代办人) part every form definition carries, as data (issue 19 item 5).

Regulation Art. 30 asks offices to let an authorised agent act for elderly and disabled people; the
handbook's platform (seed 004) asks the agent for "双方有效证件及委托书". What an agent must give is the
same for every item: their name, ID number, relation to the applicant, a copy of their ID, and the
authorisation (授权委托书) - except where the relation itself is the authority (a 监护人 is the legal
representative of the person in their care, 民法典 第二十三条, and shows the guardianship instead).
Written into each JSON file, eight copies would drift (two of them already lacked the agent's ID copy);
so a definition only says how it differs (``"agent": {...}``) and the loader adds the standard section
and materials here. This module has no imports from ``forms.definitions`` so that the model can call it
while validating; ``forms.agent`` holds the readers (who acted for whom).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

#: the relations an agent may have to the applicant: stored value -> label shown and printed
RELATIONS: Mapping[str, str] = {
    "spouse": "配偶",
    "child": "子女",
    "parent": "父母",
    "sibling": "兄弟姐妹",
    "relative": "其他亲属",
    "guardian": "监护人",
    "community": "村（社区）工作人员",
    "employer_staff": "单位经办人",
    "other": "其他受托人",
}
#: the relation that is a legal representation rather than an entrustment
GUARDIAN = "guardian"
#: the standard field keys; any of them filled in means an agent acts
NAME, ID_NUMBER, RELATION, PHONE = "agent_name", "agent_id_number", "agent_relation", "agent_phone"
AGENT_KEYS = (NAME, ID_NUMBER, RELATION, PHONE)
#: the standard material keys
ID_COPY, AUTHORISATION, GUARDIANSHIP = "agent_identity_document", "authorisation", "guardianship_proof"
SECTION_TITLE = "代办人（本人无法到场时填写）"
#: where each standard material comes from in law (Art. 31: every material beyond the ID needs a basis)
ID_COPY_BASIS = "《社会保险经办条例》第三十条、第三十一条（代办人出示本人有效身份证件）"
AUTHORISATION_BASIS = "《社会保险经办条例》第三十条（授权代办）"
GUARDIANSHIP_BASIS = "《中华人民共和国民法典》第二十三条、第二十七条、第二十八条（监护人是被监护人的法定代理人）"


def agent_acts(values: Mapping[str, object]) -> bool:
    """Whether an agent is named: any of the standard agent fields is filled in (form values or a payload)."""
    return any(str(values.get(key) or "").strip() for key in AGENT_KEYS)


def _acting() -> dict[str, Any]:
    return {"any": list(AGENT_KEYS)}


def standard_section(relations: Sequence[str]) -> dict[str, Any]:
    """The agent section as definition data: name and ID number from a card, relation from ``relations``."""
    return {
        "title": SECTION_TITLE,
        "role": "agent",
        "fields": [
            {"key": NAME, "label": "代办人姓名", "type": "text", "max_length": 30, "source": "name",
             "required_when": _acting()},
            {"key": ID_NUMBER, "label": "代办人公民身份号码", "type": "idnumber", "source": "id_number",
             "placeholder": "读取代办人身份证或社保卡自动填写", "required_when": _acting(),
             "help": "按“读取代办人证件”（F7）后放置代办人的身份证或社保卡；手工录入的号码按校验规则检查。"},
            {"key": RELATION, "label": "与申请人关系", "type": "choice",
             "choices": [{"value": value, "label": RELATIONS[value]} for value in relations],
             "required_when": _acting()},
            {"key": PHONE, "label": "代办人联系电话", "type": "phone"},
        ],
    }


def _id_copy() -> dict[str, Any]:
    return {"key": ID_COPY, "name": "代办人居民身份证（代办时）", "legal_basis": ID_COPY_BASIS,
            "required_when": _acting(), "capture": "id_copy"}


def _authorisation(when: dict[str, Any]) -> dict[str, Any]:
    return {"key": AUTHORISATION, "name": "授权委托书（代办时）", "legal_basis": AUTHORISATION_BASIS,
            "required_when": when}


def standard_materials(relations: Sequence[str], exempt: Sequence[str]) -> list[dict[str, Any]]:
    """The agent's ID copy whenever an agent acts, the authorisation unless the relation is exempt, and
    the proof of guardianship when a guardian acts (offered only where the relation is)."""
    materials: list[dict[str, Any]] = [_id_copy()]
    needing = [value for value in relations if value not in exempt]
    if needing:
        materials.append(_authorisation({"field": RELATION, "in": needing}))
    if GUARDIAN in relations:
        materials.append({"key": GUARDIANSHIP, "name": "监护关系证明（监护人代办时）",
                          "legal_basis": GUARDIANSHIP_BASIS, "required_when": {"field": RELATION, "in": [GUARDIAN]}})
    return materials


def offered_relations(agent: Mapping[str, Any]) -> list[str]:
    """The relations a definition's ``agent`` part offers, in the standard order; unknown names refused."""
    chosen = agent.get("relations")
    if chosen is None:
        return list(RELATIONS)
    unknown = [value for value in chosen if value not in RELATIONS]
    if unknown:
        raise ValueError(f"agent relations not known: {unknown}")
    return [value for value in RELATIONS if value in chosen]


def with_standard_agent(data: dict[str, Any]) -> dict[str, Any]:
    """The definition data with the standard agent section and materials added where missing.

    A definition that opts out (``"agent": {"allowed": false}``) is left alone: the item must be done
    in person. One that carries its own agent section (a definition sent before this existed) keeps it,
    but still gets the standard materials it lacks, so every form asks for the agent's ID copy.
    """
    agent = data.get("agent") or {}
    if not isinstance(agent, dict) or agent.get("allowed", True) is False:
        return data
    for word in ("relations", "authorisation_exempt"):
        given = agent.get(word)
        if given is not None and not (isinstance(given, list) and all(isinstance(item, str) for item in given)):
            return data  # malformed: the model's own validation says what is wrong
    relations = offered_relations(agent)
    exempt = list(agent.get("authorisation_exempt") or [])
    if not set(exempt) <= set(relations):
        raise ValueError(f"authorisation_exempt names relations not offered: {sorted(set(exempt) - set(relations))}")
    sections = list(data.get("sections") or [])
    own = any(isinstance(section, dict) and section.get("role") == "agent" for section in sections)
    if not own:
        sections.append(standard_section(relations))
    materials = list(data.get("materials") or [])
    present = {material.get("key") for material in materials if isinstance(material, dict)}
    standard = standard_materials(relations, exempt)
    if own:  # its own relations may differ: the ID copy, and an authorisation whenever an agent acts
        standard = [_id_copy(), _authorisation(_acting())]
    materials += [material for material in standard if material["key"] not in present]
    return {**data, "sections": sections, "materials": materials}
