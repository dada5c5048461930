"""The bytes of a CSV extract, checked before DuckDB parses it, and a copy it can read.

One pass over the file, in chunks, finds what DuckDB's CSV reader would get wrong or stop on:

- bytes that are not UTF-8, and a carriage return that does not end a line (a bare CR): the
  file is refused, with the position or line number;
- a first line (the header) longer than HEADER_MAX_BYTES: a row of column names is a few
  hundred characters, so this is no header (a file with no line breaks, or a damaged export);
  refused, before anything else reads it;
- lines longer than LINE_MAX_BYTES: DuckDB rejects a line over its 2 MB maximum, and one over
  its 32 MB read buffer it loses without a word (issue 17). No child's record is that long;
- lines ending CRLF and lines ending LF in one file: valid CSV (an export joined from two
  systems), which DuckDB's strict parser refuses.

When either of the last two is found, `readable_copy` writes a copy DuckDB can read: line ends
made LF, and each over-long line replaced by a one-cell stand-in (`LONG_LINE`) that the parser
rejects as a row with too few cells, so the row is quarantined with its own row number and the
reader names the reason. The copy keeps every line in place, so row and line numbers stay
those of the original file. It lives beside the loader's working copy (so a copy left by
kill -9 is removed by the next load, as the working copy is) and is deleted once read.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

CHUNK_BYTES = 1 << 22
# DuckDB's max_line_size: a longer line is no record (see the module docstring)
LINE_MAX_BYTES = 2 * 1024 * 1024
HEADER_MAX_BYTES = 64 * 1024
# The stand-in for an over-long line in the readable copy: one cell naming the line's index in
# `CsvScan.long_lines` (no comma, no quote, so the parser reads it as a row of one cell).
LONG_LINE = "~oos-long-line-{}~"
LONG_LINE_PATTERN = re.compile(r"~oos-long-line-(\d+)~")
_BARE_CR = re.compile(rb"\r(?!\n)")


class ScanRefused(Exception):
    """The file cannot be read; the text is the problem and what to do (no file content)."""

    def __init__(self, problem: str, action: str):
        super().__init__(problem)
        self.problem, self.action = problem, action


@dataclass
class CsvScan:
    """What the pass over the bytes found."""

    lines: int = 0
    crlf: int = 0  # lines ending CRLF (the rest end LF, or are the last line)
    newlines: int = 0
    # (start, end) byte offsets of lines longer than LINE_MAX_BYTES, line end excluded
    long_lines: list[tuple[int, int]] = field(default_factory=list)

    @property
    def mixed_line_ends(self) -> bool:
        return 0 < self.crlf < self.newlines

    @property
    def needs_copy(self) -> bool:
        return self.mixed_line_ends or bool(self.long_lines)

    def long_line_bytes(self, index: int) -> int:
        start, end = self.long_lines[index]
        return end - start


class _LongLines:
    """Finds lines over LINE_MAX_BYTES chunk by chunk, without visiting every line.

    From the start of the current line, the last line feed within LINE_MAX_BYTES is looked for
    (`rfind` over that window); finding one moves the start past it, so each step jumps about
    LINE_MAX_BYTES through a file of short lines, and a window with no line feed is a long line.
    """

    def __init__(self) -> None:
        self.line_start = 0  # offset of the current line's first byte
        self.long_start: int | None = None  # set while inside a long line
        self.found: list[tuple[int, int]] = []

    def feed(self, chunk: bytes, offset: int) -> None:
        pos = 0
        while True:
            if self.long_start is not None:
                end = chunk.find(b"\n", pos)
                if end == -1:
                    return
                self.found.append((self.long_start, offset + end))
                self.long_start, self.line_start, pos = None, offset + end + 1, end + 1
                continue
            deadline = self.line_start + LINE_MAX_BYTES - offset  # last index a LF may have
            if deadline >= len(chunk):
                break
            newline = chunk.rfind(b"\n", pos, deadline + 1)
            if newline == -1:
                self.long_start, pos = self.line_start, max(pos, deadline)
                continue
            self.line_start, pos = offset + newline + 1, newline + 1
        last = chunk.rfind(b"\n", pos)
        if last != -1:
            self.line_start = offset + last + 1

    def finish(self, size: int) -> list[tuple[int, int]]:
        if self.long_start is not None:
            self.found.append((self.long_start, size))
        elif size - self.line_start > LINE_MAX_BYTES:
            self.found.append((self.line_start, size))
        return self.found


def scan(path: Path) -> CsvScan:
    """One pass over the bytes; raises ScanRefused for a file DuckDB must not be given."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    result = CsvScan()
    long_lines = _LongLines()
    offset = 0
    last_byte = b""
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            if offset == 0 and chunk.find(b"\n", 0, HEADER_MAX_BYTES + 1) == -1:
                if len(chunk) > HEADER_MAX_BYTES:
                    raise ScanRefused(
                        f"its first line is longer than {HEADER_MAX_BYTES:,} bytes, so it is no "
                        "header of column names (a file with no line breaks, or a damaged "
                        "export).",
                        "Check that this is the extract, export it again as 'CSV UTF-8', and "
                        "load it again.",
                    )
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                raise ScanRefused(
                    f"it is not UTF-8 text (first unreadable byte at position "
                    f"{offset + error.start}).",
                    "Export it again as 'CSV UTF-8' (in Excel: Save As > CSV UTF-8).",
                ) from None
            # a CR ending the previous chunk is bare unless this chunk starts with LF
            bare = (last_byte == b"\r" and not chunk.startswith(b"\n")) and -1
            if bare is False:
                match = _BARE_CR.search(chunk[:-1] if chunk.endswith(b"\r") else chunk)
                bare = match.start() if match else False
            if bare is not False:
                line = result.newlines + chunk.count(b"\n", 0, max(bare, 0)) + 1
                raise ScanRefused(
                    f"line {line} holds a carriage return (CR) that does not end the line, "
                    "so the rows after it cannot be told apart.",
                    "Remove line breaks inside cells (or save the file again as 'CSV UTF-8' "
                    "from Excel) and load it again.",
                )
            result.newlines += chunk.count(b"\n")
            result.crlf += chunk.count(b"\r\n") + (last_byte == b"\r" and chunk[:1] == b"\n")
            long_lines.feed(chunk, offset)
            last_byte = chunk[-1:]
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise ScanRefused(
                "it is not UTF-8 text (it ends part-way through a character).", ""
            ) from None
    result.long_lines = long_lines.finish(offset)
    lines = result.newlines
    if last_byte == b"\r":
        lines += 1  # a final bare CR ends the last line: harmless
    # the last line need not end with a newline
    result.lines = lines + (1 if last_byte not in (b"", b"\n", b"\r") else 0)
    return result


def _copy_range(source, out, start: int, stop: int, carry: bytes) -> bytes:
    """Copy bytes [start, stop) with CRLF made LF; returns a CR held back at a chunk's end."""
    source.seek(start)
    remaining = stop - start
    while remaining > 0:
        data = carry + source.read(min(CHUNK_BYTES, remaining))
        remaining -= len(data) - len(carry)
        carry = b""
        if data.endswith(b"\r"):
            data, carry = data[:-1], b"\r"
        out.write(data.replace(b"\r\n", b"\n"))
    return carry


def _write_copy(path: Path, found: CsvScan, target: Path) -> None:
    size = path.stat().st_size
    with path.open("rb") as source, open(target, "wb") as out:
        os.fchmod(out.fileno(), 0o600)  # children's records: readable by the loader only
        carry, position = b"", 0
        for index, (start, end) in enumerate(found.long_lines):
            carry = _copy_range(source, out, position, start, carry)
            out.write(carry + LONG_LINE.format(index).encode())
            carry, position = b"", end
        carry = _copy_range(source, out, position, size, carry)
        out.write(b"\n" if carry else b"")


@contextlib.contextmanager
def readable_copy(path: Path, found: CsvScan, scratch: Path | None) -> Iterator[Path]:
    """The path DuckDB should read: `path` itself, or a copy made readable (see the module
    docstring) at `scratch` (a temporary folder when None), removed on leaving."""
    if not found.needs_copy:
        yield path
        return
    with contextlib.ExitStack() as stack:
        if scratch is None:
            scratch = Path(stack.enter_context(tempfile.TemporaryDirectory())) / "extract.csv"
        stack.callback(lambda: scratch.unlink(missing_ok=True))
        _write_copy(path, found, scratch)
        yield scratch


__all__ = ["LONG_LINE_PATTERN", "LINE_MAX_BYTES", "CsvScan", "ScanRefused", "readable_copy", "scan"]
