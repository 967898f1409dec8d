"""The audit trail as the app uses it: its secret from the OS keyring.

The person keys in the trail are HMAC-SHA256 of ID numbers under a secret kept in the OS keyring
beside the database key (made on first use), so the trail of a copied data directory cannot be
searched by ID number elsewhere, and a guessed number cannot be checked against it without this
machine's keyring. Writing happens in the use cases (``app/usecases``) and ``app/queries.py``;
reading, for the 稽核 role only, in ``app/usecases/audit.py``.
"""

from __future__ import annotations

import keyring.errors

from app.secrets import SecretStore
from core.errors import ConfigError
from local_db.audit import AuditAction, AuditEvent, AuditRecord, AuditTrail, ChainProblem, ChainReport

__all__ = ["AUDIT_KEY", "AuditAction", "AuditEvent", "AuditRecord", "AuditTrail", "ChainProblem", "ChainReport",
           "open_audit_trail"]

#: the keyring entry holding the person-key secret (32 random bytes as 64 hex digits)
AUDIT_KEY = "audit-person-key"
AUDIT_KEY_BYTES = 32


def open_audit_trail(secrets: SecretStore) -> AuditTrail:
    """The trail's writer and reader, its secret read from (or, the first time, made in) the keyring.

    Without the secret nothing may be recorded, and what is not recorded may not be done: a missing
    or broken keyring refuses to start, as it does for the database key.
    """
    try:
        key = secrets.random_key(AUDIT_KEY, AUDIT_KEY_BYTES)
    except keyring.errors.KeyringError as exc:
        raise ConfigError(f"audit key unavailable: {exc}", user_message="系统密钥库不可用，无法记录审计日志。",
                          hint="请联系系统管理员检查系统密钥库后重新启动本程序。") from exc
    if key is None:
        raise ConfigError("audit key in the keyring is missing or malformed",
                          user_message="系统密钥库中的审计密钥已损坏，无法记录审计日志。",
                          hint="请联系系统管理员恢复该密钥；不要删除它，否则已有审计记录将无法按证件号码检索。")
    return AuditTrail(key)
