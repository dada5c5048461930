"""The audit trail's key: a secret held outside the store that authenticates every record.

Each record carries an HMAC-SHA256 over its fields and the MAC of the record before it, made
with this key. Someone who can write the store but cannot read the key (a copy of the file, a
database tool, a restored backup) can delete or edit records, but cannot make MACs that check:
a chain recomputed without the key, or a record invented and appended, fails
`python -m appstore.audit check`.

Where the key lives: the file `OOS_AUDIT_KEY` names, else `<store>.audit-key` beside the store
(fine for a demo or an analyst's machine; a deployment puts it elsewhere: README,
"Deployment"). The file holds 64 hex digits and must be readable by its owner only (mode
0600 or 0400): a key file others can read is refused, never used. A missing key is made (with
mode 0600) only for a store that holds no records yet; a trail that already has records and
no key stops being written, and says why, rather than start a second, unrelated key.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import stat
from functools import lru_cache
from pathlib import Path

KEY_ENV = "OOS_AUDIT_KEY"
KEY_SUFFIX = ".audit-key"
KEY_BYTES = 32


class AuditKeyError(Exception):
    """The key cannot be used; the message says what is wrong and what to do."""


def key_path(store: Path) -> Path:
    """The key file's path: `OOS_AUDIT_KEY`, else beside the store."""
    override = os.environ.get(KEY_ENV, "").strip()
    return Path(override) if override else store.with_name(store.stem + KEY_SUFFIX)


def key_id(key: bytes) -> str:
    """A short public name for a key (its SHA-256, 16 hex digits): written in the anchor, so a
    check with the wrong key says so instead of reporting every record as forged."""
    return hashlib.sha256(b"oos-audit-key-id:" + key).hexdigest()[:16]


def read_key(path: Path) -> bytes:
    """The key in `path`; refused when missing, unreadable, malformed or readable by others."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise AuditKeyError(
            f"No audit key at {path}. The trail's records cannot be made or checked without "
            f"the key they were written with (set {KEY_ENV} to its file)."
        ) from None
    if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise AuditKeyError(
            f"The audit key file {path} can be read or written by other users "
            f"(mode {stat.S_IMODE(info.st_mode):04o}). Make it the service account's alone: "
            f"chmod 600 {path}."
        )
    return _cached(str(path), info.st_mtime_ns, info.st_size)


@lru_cache(maxsize=4)
def _cached(path: str, _mtime_ns: int, _size: int) -> bytes:
    text = Path(path).read_text(encoding="ascii", errors="replace").strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) < KEY_BYTES:
        raise AuditKeyError(
            f"The audit key file {path} does not hold a key ({KEY_BYTES * 2} or more hex "
            "digits). Restore it from the deployment's key backup."
        )
    return key


def create_key(path: Path) -> bytes:
    """Write a new random key to `path` with mode 0600 (never over an existing file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(KEY_BYTES)
    # O_EXCL: two processes starting a new trail at once cannot write two different keys
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key.hex() + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return key


def key_for_writing(store: Path, store_has_records: bool) -> bytes:
    """The key to write with: read it, or make one for a trail that has no records yet."""
    path = key_path(store)
    if not path.exists() and not store_has_records:
        try:
            return create_key(path)
        except FileExistsError:
            pass  # another writer made it first: use theirs
    return read_key(path)
