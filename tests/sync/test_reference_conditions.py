"""Issue 18, item 7: a definition the central system sends carries the situational rules (``all``/``any``
conditions, ``shown_when``) and the terminal applies them, against the real central process over HTTP.

The central system does not validate submissions against the definitions (it computes review tiers from
them); it parses the same models, so what it serves is what the terminal validates with.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.terminal import Terminal
from forms.definitions import AllOf, AnyOf
from forms.validate import validate_form
from tests.app.samples import REGISTRATION
from tests.sync.test_reference_trust import edit_form, pull, reference  # noqa: F401  (the fixture)


def test_a_sent_definition_keeps_the_employee_and_agent_rules(start_central: Any, make_terminal: Any,
                                                              reference: Path) -> None:  # noqa: F811
    edit_form(reference, "personal_registration",
              lambda form: form.update(version=form["version"] + 1, name="个人参保登记（中心下发）"))
    server = start_central(extra_args=("--reference-dir", str(reference)))
    terminal: Terminal = make_terminal(server.base_url, start_sender=False)
    assert "forms" in pull(terminal)
    form = terminal.reference.form("personal_registration")
    assert form.name == "个人参保登记（中心下发）"
    assert isinstance(form.field("agent_id_number").required_when, AnyOf)
    assert validate_form(form, REGISTRATION | {"employer_code": ""}) == {"employer_code": "请填写单位编号"}
    assert set(validate_form(form, REGISTRATION | {"agent_phone": "13709190627"})) == {
        "agent_name", "agent_id_number", "agent_relation"}
    retirement = terminal.reference.form("retirement_approval")
    assert isinstance(retirement.field("female_post").shown_when, AllOf)
