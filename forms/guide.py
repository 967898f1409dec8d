"""The 办事指南 of a service item, derived from its form definition (issue 18 item 5).

A guide written as separate text would drift from what the counter actually asks for: a new version of
a definition (a material added, a condition changed, a time limit corrected) would leave the printed
guide wrong. So the guide is computed from the ``FormDef`` and the catalogue's ``ServiceItem`` every time
it is shown: the materials with their legal basis and the condition under which each is required, the
time limit and its article (or the definition's own words where the regulation sets no day count), who
may apply and what an agent brings. Where the definition says nothing (how the result is communicated
for most items) the guide says what the counter does and that the regulation sets nothing more,
rather than inventing a rule.

Pure data, no Qt: the window renders it (``app/ui/guide_page.py``) and so does the printer
(``app/document_render.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from forms.agent_section import GUARDIAN, RELATION, RELATIONS
from forms.catalogue import ServiceItem
from forms.definitions import (
    TIER_LABELS,
    AllOf,
    AnyOf,
    Condition,
    FieldDef,
    FormDef,
    MaterialDef,
    When,
    condition_parts,
)

#: the regulation's article on 授权代办 (the definitions cite it for every agent's material)
AGENT_ARTICLE = "《社会保险经办条例》第三十条（采用授权代办等方式为老年人、残疾人等特殊群体提供便利）"
#: what an agent brings to the window (the handbook's platform: "代理人持双方有效证件及委托书", seed 004)
AGENT_BRINGS = ("代办人到窗口时携带：代办人本人的居民身份证或社会保障卡（窗口读卡并留存复印件）、"
                "申请人的有效身份证件和授权委托书")
#: Art. 31: no document beyond the identity document without a legal basis - why every material has one
MATERIALS_ARTICLE = ("《社会保险经办条例》第三十一条"
                     "（要求提供身份证件以外的其他证明材料的，应当有法律、法规和国务院决定依据）")
#: what the regulation says about communicating the result, by the article a time limit cites (seed 000)
RESULT_ARTICLES: Mapping[str, str] = {
    "第十六条": ("《社会保险经办条例》第十六条：在规定时限内办理完毕，"
                 "并将结果告知用人单位和个人，或者提供办理情况查询服务。"),
}
#: what this counter does for every item (the receipt's footer says the same)
RECEIPT_LINE = ("受理时当场出具《社会保险业务受理回执》，载明回执编号、受理人和办结时限；"
                "凭回执编号可在受理窗口查询办理进度，咨询电话 12333。")
NOTICE_LINE = "材料不齐全、当场不能受理的，窗口出具《一次性告知书》，一次性列明需补齐的全部材料及其依据。"


@dataclass(frozen=True)
class GuideEntry:
    """One line of a guide: what it says, its legal basis if any, and when it applies (None: always)."""

    text: str
    basis: str | None = None
    condition: str | None = None


@dataclass(frozen=True)
class GuideSection:
    """A titled part of the guide; ``key`` lets tests and the renderer find a part without its title."""

    key: str
    title: str
    entries: tuple[GuideEntry, ...]


@dataclass(frozen=True)
class Guide:
    """The whole guide of one item, for one version of its form."""

    item_code: str
    item_name: str
    form_code: str
    form_version: int
    sections: tuple[GuideSection, ...]

    def section(self, key: str) -> GuideSection:
        return next(section for section in self.sections if section.key == key)

    def text(self) -> str:
        """All of it as plain text (searching, tests, a clerk's copy)."""
        lines = [self.item_name]
        for section in self.sections:
            lines.append(section.title)
            for entry in section.entries:
                lines.append(entry_line(entry))
        return "\n".join(lines)


def entry_line(entry: GuideEntry) -> str:
    """One entry as a line: text, then when it applies, then its basis."""
    line = entry.text
    if entry.condition:
        line += f"（{entry.condition}）"
    if entry.basis:
        line += f"　依据：{entry.basis}"
    return line


def _choice_label(field: FieldDef, value: str) -> str:
    return next((choice.label for choice in field.choices if choice.value == value), value)


def condition_text(form: FormDef, when: When) -> str:
    """When a rule holds, in the clerk's and applicant's words (labels, not keys); several conditions are
    joined with 且 (all) or 或 (any)."""
    if isinstance(when, Condition):
        return _simple_condition_text(form, when)
    parts = [_simple_condition_text(form, part).removesuffix("时提交") for part in condition_parts(when)]
    if isinstance(when, AnyOf) and all(part.field.startswith("agent_") for part in when.conditions):
        return "委托他人代办时提交"
    joined = ("且" if isinstance(when, AllOf) else "或").join(dict.fromkeys(parts))
    return f"{joined}时提交"


def _relation_condition_text(form: FormDef, condition: Condition) -> str:
    """An agent material that depends on the relation: the authorisation for every relation but the exempt
    ones, a guardianship proof for a guardian."""
    field = form.field(condition.field)
    values = condition.values or []
    offered = [choice.value for choice in field.choices]
    others = [value for value in offered if value not in values]
    if others and len(values) > len(others):
        exempt = "、".join(_choice_label(field, value) for value in others)
        return f"委托他人代办时提交；{exempt}代办的除外"
    if not others:
        return "委托他人代办时提交"
    return f"由{'、'.join(_choice_label(field, value) for value in values)}代办时提交"


def _simple_condition_text(form: FormDef, condition: Condition) -> str:
    field = form.field(condition.field)
    if field.key == RELATION and condition.values is not None:
        return _relation_condition_text(form, condition)
    if condition.above is not None:
        return f"“{field.label}”超过 {condition.above} 时提交"
    if condition.values is None:
        if field.key.startswith("agent_"):
            return "委托他人代办时提交"
        return f"填写了“{field.label}”时提交"
    labels = "、".join(f"“{_choice_label(field, value)}”" for value in condition.values)
    return f"“{field.label}”为{labels}时提交"


def _is_agent_material(material: MaterialDef) -> bool:
    return material.required_when is not None and any(
        part.field.startswith("agent_") for part in condition_parts(material.required_when))


def _item_section(form: FormDef, item: ServiceItem) -> GuideSection:
    entries = [GuideEntry(f"事项名称：{item.name}"), GuideEntry(f"事项类别：{item.category}"),
               GuideEntry(f"申请表：{form.name}（第 {form.version} 版）")]
    review = TIER_LABELS[form.review.tier]
    entries.append(GuideEntry(f"内部审核：{review}", "《社会保险经办条例》第三十七条（分级审核）"
                              if form.review.tier != "none" or form.review.raised_when else None))
    for rule in form.review.raised_when:
        entries.append(GuideEntry(f"提高为“{TIER_LABELS[rule.tier]}”的情形：{rule.reason}",
                                  condition=condition_text(form, rule.when).removesuffix("提交")))
    return GuideSection("item", "事项信息", tuple(entries))


def _purpose_section(form: FormDef, item: ServiceItem) -> GuideSection:
    entries = [GuideEntry(f"用于办理：{item.name}。")]
    if item.keywords:
        entries.append(GuideEntry(f"常见叫法：{'、'.join(item.keywords)}"))
    parts = [section.title for section in form.sections if section.role == "applicant"]
    entries.append(GuideEntry(f"申请表填写内容：{'、'.join(parts)}"))
    return GuideSection("purpose", "适用情形", tuple(entries))


def _applicant_section(form: FormDef) -> GuideSection:
    id_field = form.identity_field("id_number")
    applicant = next(section for section in form.sections
                     if id_field is not None and id_field in section.fields)
    identity = next((m for m in form.materials if m.capture == "id_copy" and m.required_when is None), None)
    who = applicant.title.removesuffix("信息")
    entries = [GuideEntry(f"申请人：{'参保人员本人' if who in ('身份', '') else who}，到受理窗口现场办理"
                          + (f"，出示{identity.name}" if identity is not None else ""),
                          identity.legal_basis if identity is not None else None)]
    agent_section = next((section for section in form.sections if section.role == "agent"), None)
    if agent_section is None:
        entries.append(GuideEntry("本事项不设代办，须申请人本人到场办理。"))
        return GuideSection("applicants", "申请人与代办", tuple(entries))
    entries.append(GuideEntry("本人无法到场的，可委托他人代办（授权代办）。", AGENT_ARTICLE))
    exempt = "、".join(RELATIONS[value] for value in form.agent.authorisation_exempt)
    guardian = "，改交监护关系证明" if GUARDIAN in form.agent.authorisation_exempt else ""
    entries.append(GuideEntry(AGENT_BRINGS + (f"（{exempt}代办的免交授权委托书{guardian}）" if exempt else "") + "。"))
    for material in form.materials:
        if _is_agent_material(material) and material.required_when is not None:
            entries.append(GuideEntry(f"代办人须提交：{material.name}", material.legal_basis,
                                      condition_text(form, material.required_when)))
    always = [f.label for f in agent_section.fields if f.required]
    when_agent = [f.label for f in agent_section.fields if f.required_when is not None]
    if always or when_agent:
        entries.append(GuideEntry(f"代办时须填写代办人的：{'、'.join(always + when_agent)}"))
    return GuideSection("applicants", "申请人与代办", tuple(entries))


def _materials_section(form: FormDef) -> GuideSection:
    entries: list[GuideEntry] = []
    for material in form.materials:
        condition = None if material.required_when is None else condition_text(form, material.required_when)
        how = "（身份证件正反面复印于同一页）" if material.capture == "id_copy" else ""
        entries.append(GuideEntry(material.name + how, material.legal_basis, condition or "必交"))
    if not entries:
        entries.append(GuideEntry("本事项定义未列申请材料。"))
    entries.append(GuideEntry("身份证件以外的材料均须有法律、法规或国务院决定的依据，上列依据载于表单定义。",
                              MATERIALS_ARTICLE))
    return GuideSection("materials", "申请材料", tuple(entries))


def _time_limit_section(form: FormDef) -> GuideSection:
    if form.time_limit_working_days is None:
        basis = form.time_limit_basis  # the definition's own words say why there is no day count
        entry = GuideEntry(basis if "未规定" in basis else f"条例未规定办理天数：{basis}")
    else:
        entry = GuideEntry(f"自收到申请之日起 {form.time_limit_working_days} 个工作日内办理完毕",
                           form.time_limit_basis)
    return GuideSection("time_limit", "办理时限", (entry,))


def _result_section(form: FormDef) -> GuideSection:
    entries = [GuideEntry(RECEIPT_LINE)]
    cited = [text for article, text in RESULT_ARTICLES.items() if article in form.time_limit_basis]
    if cited:
        entries += [GuideEntry(text) for text in cited]
    else:
        entries.append(GuideEntry("条例对本事项的结果告知方式未作具体规定，办结后可凭回执编号查询结果。"))
    entries.append(GuideEntry(NOTICE_LINE))
    return GuideSection("result", "结果告知", tuple(entries))


def guide_for(form: FormDef, item: ServiceItem) -> Guide:
    """The guide of ``item`` as its form definition ``form`` says today."""
    sections = (_item_section(form, item), _purpose_section(form, item), _applicant_section(form),
                _materials_section(form), _time_limit_section(form), _result_section(form))
    return Guide(item.code, item.name, form.code, form.version, sections)
