"""The clerk-actions benchmark's flow, run for real: a registration with the ID card read, no clicks to capture.

``bench/clerk_actions.py`` runs as a subprocess under its own X display (the real window, the demo's
simulated ID card reader and document camera, a central system child process). What is checked is
behaviour, not time: the submission is stored with the ID copy attached, 参保身份 followed from the
contribution base, 常住地址 came from the ID card, and none of the steps this issue removed (typing
the address, choosing 参保身份, opening 拍摄, taking each side, 附加到申请) was needed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs xvfb-run (an X display for the window)")
def test_registration_with_the_card_read_is_stored_with_the_id_copy_and_no_removed_step(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    run = subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", sys.executable,
                          str(ROOT / "bench" / "clerk_actions.py"), "--json", "--keep", str(tmp_path / "run")],
                         capture_output=True, text=True, timeout=600, env=env, cwd=ROOT)
    lines = [line for line in run.stdout.splitlines() if line.startswith("{")]
    assert lines, run.stdout + run.stderr
    result = json.loads(lines[-1])
    assert run.returncode == (0 if result["count"] <= result["limit"] else 1)

    stored = result["submission"]
    assert ["identity_document", 1] in stored["attachments"]  # the ID copy: both sides on one page
    assert stored["insured_category"] == "flexible"  # no employer's code named: a flexible worker
    assert stored["address"].startswith("北京市东城区")  # 常住地址 from the ID card's address

    actions = result["actions"]
    assert result["count"] == len(actions)
    assert any(a.startswith("lay") for a in actions)
    assert actions[-1].startswith("click submitButton")
    removed = ("field_address", "field_insured_category", "capture_identity_document", "captureButton",
               "attachButton", "doneButton")
    assert not [a for a in actions if any(name in a for name in removed)], actions
