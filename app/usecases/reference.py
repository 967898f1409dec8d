"""Reference-data updates held back for an administrator, and trust settings, on this terminal.

A signed update that would lower a form's review tier or drop or loosen a required material does not
take effect by itself (``sync.reference``): an administrator (``Permission.MANAGE_TERMINAL``) sees what
it gives up and confirms it here, which is recorded in the audit trail with what was confirmed. The
settings that decide whom the terminal trusts (``app.settings.TRUST_SETTINGS``) change the same way:
an administrator's command, audited with the old and new value.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.permissions import Permission, require
from app.reference import reference_target
from app.settings import TRUST_SETTINGS, Settings, save_settings, validated_settings
from app.terminal import Terminal
from app.trust import record_trust_in
from core.errors import ConfigError
from core.files import CA_FILE_LIMIT, check_regular_file
from local_db.clerks import ClerkInfo
from local_db.submissions import pending_count
from sync.events import ReferenceUpdated
from sync.reference import confirm_pending, pending_entries, refusals

__all__ = ["PendingReference", "ReferenceAlerts", "change_trust_setting", "confirm_reference", "pending_reference",
           "reference_alerts"]


@dataclass(frozen=True)
class PendingReference:
    """One held-back entry: the data set and entry (a form's code), its name and version, what it gives up."""

    name: str
    key: str
    title: str
    version: int | None
    set_version: int
    weakenings: tuple[str, ...]


def pending_reference(terminal: Terminal, admin: ClerkInfo) -> list[PendingReference]:
    """Every update awaiting confirmation on this terminal (an administrator's read)."""
    require(admin, Permission.MANAGE_TERMINAL)
    target = reference_target(terminal.settings, terminal.audit)
    return [PendingReference(p.name, p.key, str(p.entry.get("name") or p.key), _version(p.entry), p.set_version,
                             p.weakenings) for p in pending_entries(terminal.db, target)]


@dataclass(frozen=True)
class ReferenceAlerts:
    """What an administrator is told on signing in: held-back updates, and data sets refused (name → why)."""

    pending: tuple[PendingReference, ...]
    refused: dict[str, str]


def reference_alerts(terminal: Terminal, admin: ClerkInfo) -> ReferenceAlerts:
    """Held-back updates and refused data sets, for the administrator's notice in the window."""
    require(admin, Permission.MANAGE_TERMINAL)
    target = reference_target(terminal.settings, terminal.audit)
    return ReferenceAlerts(tuple(pending_reference(terminal, admin)), refusals(terminal.db, target))


def confirm_reference(terminal: Terminal, admin: ClerkInfo, key: str, name: str = "forms") -> PendingReference:
    """Put the held-back entry ``key`` of data set ``name`` in force (audited), and have it read again."""
    require(admin, Permission.MANAGE_TERMINAL)
    target = reference_target(terminal.settings, terminal.audit)
    done = confirm_pending(terminal.db, target, name, key.strip(), admin.id)
    terminal.publish(ReferenceUpdated(pending_count(terminal.db), (name,)))  # forms are read again first
    return PendingReference(done.name, done.key, str(done.entry.get("name") or done.key), _version(done.entry),
                            done.set_version, done.weakenings)


def change_trust_setting(terminal: Terminal, admin: ClerkInfo, settings_path: Path, key: str,
                         value: str | None) -> Settings:
    """Change the central address, the office's CA file or the enrolled signing key; audited.

    ``ConfigError`` (in Chinese) when the value is refused, e.g. a plain-HTTP address beyond loopback.
    The running terminal keeps its settings; the next start uses the new ones.
    """
    require(admin, Permission.MANAGE_TERMINAL)
    if key not in TRUST_SETTINGS:
        raise ConfigError(f"{key} is not a trust setting", user_message=f"{key} 不是信任设置。")
    old = terminal.settings
    data: dict[str, Any] = old.model_dump()
    data[key] = value or None
    new = validated_settings(data)
    if key == "central_ca_file" and new.central_ca_file is not None:
        check_regular_file(new.central_ca_file, CA_FILE_LIMIT, "CA 证书文件")
    with terminal.db.sessions.begin() as s:  # recorded, then saved: nothing changes unrecorded
        record_trust_in(s, terminal.audit, new, admin.id, previous=old)
        save_settings(new, settings_path)
    return new


def _version(entry: Any) -> int | None:
    value = entry.get("version") if isinstance(entry, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None
