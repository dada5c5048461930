"""The audit trail's anchor: the chain's head, kept outside the store in a file only appended to.

A MAC chain alone shows that records were edited or made without the key; it cannot show that
the last records, or all of them, were deleted, or that someone holding the key rewrote the
chain. So every record's sequence number and MAC are also appended, one line each, to the
anchor file, and `python -m appstore.audit check` compares the store with it: a store shorter
than the anchor, a record whose MAC differs from its anchored one, or a record the anchor never
saw, is reported.

The anchor holds no personal data (numbers, MACs and times only), so it can be copied off the
server freely. It must live where the dashboard's account can append but never rewrite: in a
deployment, a file marked append-only (`chattr +a`, which only root can set or clear: the
service can add lines but not truncate, edit or delete it), and ideally also forwarded to the
council's log server (README, "The audit trail"). `OOS_AUDIT_ANCHOR` names it; by default it is
`<store>.audit-anchor` beside the store (a demo or an analyst's machine).

Format, one line each:

    # oos-audit-anchor v1 key=<key id> start=<first record anchored>
    <seq> <mac> <when, UTC>            a record, anchored when written
    <seq> <mac> <when, UTC> late       a record anchored by the next write (its writer was
                                       stopped between committing it and anchoring it)
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import struct
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ANCHOR_ENV = "OOS_AUDIT_ANCHOR"
ANCHOR_SUFFIX = ".audit-anchor"
HEADER = re.compile(r"# oos-audit-anchor v1 key=([0-9a-f]{16}) start=([0-9]+)")
LINE = re.compile(r"([0-9]+) ([0-9a-f]{64}) (\S+)( late)?")
# The anchor is forced to disk (fsync) at most this often per process. Its line is always
# written before `record()` returns, so a killed process loses nothing (the kernel holds it);
# only a power cut can lose the last second's lines, and the next write anchors those records
# again, late, after checking their MACs (audit.py `_unanchored`). A forced write per record
# would double the cost of every audit record (bench/bench_trust.py).
SYNC_EVERY_SECONDS = 1.0
_last_sync = [0.0]
# Linux's inode flags (FS_IOC_GETFLAGS, and FS_APPEND_FL: what `chattr +a` sets)
_FS_IOC_GETFLAGS = 0x80086601
_FS_APPEND_FL = 0x20


def anchor_path(store: Path) -> Path:
    """The anchor file's path: `OOS_AUDIT_ANCHOR`, else beside the store."""
    override = os.environ.get(ANCHOR_ENV, "").strip()
    return Path(override) if override else store.with_name(store.stem + ANCHOR_SUFFIX)


@dataclass
class Anchor:
    """What an anchor file says: its key id, the first record it covers and its lines."""

    key_id: str | None = None
    start: int | None = None
    lines: list[tuple[int, str, str, bool]] = field(default_factory=list)  # seq, mac, at, late
    problems: list[str] = field(default_factory=list)

    @property
    def head(self) -> tuple[int, str, str, bool] | None:
        return self.lines[-1] if self.lines else None


@contextlib.contextmanager
def locked(path: Path) -> Iterator[int]:
    """The anchor file open for appending, under an exclusive lock held for the whole write.

    Every audit writer (the dashboard's threads, the loader's process) takes this lock before
    its store transaction and keeps it until its anchor line is on disk, so anchor lines are
    in record order. O_APPEND is all an append-only file allows, and all this needs."""
    flags = os.O_RDWR | os.O_APPEND | os.O_CREAT
    try:
        fd = os.open(path, flags, 0o600)
    except FileNotFoundError:  # its folder does not exist yet (a new demo or test store)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, flags, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield fd
    finally:
        os.close(fd)  # releases the lock


def last_seq(fd: int) -> int | None:
    """The last record the open anchor names (start - 1 for a header alone), None if empty."""
    size = os.fstat(fd).st_size
    if size == 0:
        return None
    tail = os.pread(fd, min(size, 1024), max(0, size - 1024)).decode("ascii", "replace")
    for text in reversed(tail.splitlines()):
        if match := LINE.fullmatch(text.strip()):
            return int(match.group(1))
        if match := HEADER.fullmatch(text.strip()):
            return int(match.group(2)) - 1
    return None


def append(fd: int, lines: list[tuple[int, str, str, bool]], key_id: str) -> None:
    """Append record lines (a header first if the file is new); force them to disk if the
    last forced write of this process was a second ago or more."""
    if not lines:
        return
    text = ""
    if os.fstat(fd).st_size == 0:
        text = f"# oos-audit-anchor v1 key={key_id} start={lines[0][0]}\n"
    text += "".join(f"{seq} {mac} {at}{' late' if late else ''}\n" for seq, mac, at, late in lines)
    os.write(fd, text.encode("ascii"))  # one write: a line is never split between writers
    now = time.monotonic()
    if now - _last_sync[0] >= SYNC_EVERY_SECONDS:
        os.fsync(fd)
        _last_sync[0] = now


def read(path: Path) -> Anchor | None:
    """The anchor file's contents, or None when there is no file."""
    try:
        text = path.read_text(encoding="ascii", errors="replace")
    except FileNotFoundError:
        return None
    anchor = Anchor()
    for number, line in enumerate(text.splitlines(), start=1):
        if number == 1:
            header = HEADER.fullmatch(line.strip())
            if header is None:
                anchor.problems.append(f"the anchor's first line is not its header: {line!r}")
                return anchor
            anchor.key_id, anchor.start = header.group(1), int(header.group(2))
            continue
        match = LINE.fullmatch(line.strip())
        if match is None:
            anchor.problems.append(f"anchor line {number} is not a record line")
            continue
        anchor.lines.append(
            (int(match.group(1)), match.group(2), match.group(3), bool(match.group(4)))
        )
    return anchor


def is_append_only(path: Path) -> bool | None:
    """Whether the file carries the append-only attribute (`chattr +a`); None if unknown."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        flags = struct.unpack("l", fcntl.ioctl(fd, _FS_IOC_GETFLAGS, b"\0" * 8))[0]
    except OSError:
        return None  # a file system without inode flags
    finally:
        os.close(fd)
    return bool(flags & _FS_APPEND_FL)
