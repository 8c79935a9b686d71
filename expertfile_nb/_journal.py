"""The journal of an apply: one JSON object a line, appended atomically, ``0600``.

Line one is the plan (every change with its before-image); then, for each write,
a ``sending`` line before the request and a ``result`` line after it. An apply that
stops (a crash, a closed laptop) leaves a journal from which :func:`resume` finishes
the plan and :func:`undo` restores the before-images. It never holds the token,
the secret or anything from the login: only usernames, field names and values.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from expertfile_nb.errors import ConfigurationError

__all__ = ["Journal", "default_journal_path", "read_journal"]

VERSION = 1


def default_journal_path() -> Path:
    """A new file in the user data folder: ``…/expertfile-nb/journals/apply-<UTC time>.jsonl``."""
    import platformdirs

    folder = Path(platformdirs.user_data_dir("expertfile-nb", appauthor=False)) / "journals"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    return folder / f"apply-{stamp}-{os.getpid()}-{time.monotonic_ns() % 10**6}.jsonl"


class Journal:
    """An open journal file; :meth:`write` appends one record with one ``write(2)``
    (``O_APPEND``: records from several threads never interleave, no lock needed).

    A record announcing a write (``sending``) is synced to disk before the write is
    sent: after a crash, the journal knows every write that may have happened (undo
    needs them). Other records are not synced: a lost ``result`` only makes a resume
    read that person again, which finds the change already made."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        # O_NOFOLLOW: a symbolic link is refused (ELOOP), never written through
        flags = os.O_RDWR | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
        try:
            self._fd = os.open(self.path, flags, 0o600)
        except OSError as exc:
            raise ConfigurationError(
                f"The journal {str(self.path)!r} cannot be opened for writing "
                f"({exc.strerror}); pass journal= a path in a writable folder."
            ) from None
        os.fchmod(self._fd, 0o600)  # a file made earlier with wider rights is narrowed
        size = os.fstat(self._fd).st_size
        if size and os.pread(self._fd, 1, size - 1) != b"\n":
            # a line torn by a crash: end it, so the records appended now stay readable
            os.write(self._fd, b"\n")

    def write(self, record: dict[str, Any], *, sync: bool = False) -> None:
        line = (json.dumps(record, separators=(",", ":"), default=str) + "\n").encode()
        os.write(self._fd, line)
        if sync:
            os.fsync(self._fd)

    def close(self) -> None:
        os.close(self._fd)

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _lines(path: Path) -> Iterator[dict[str, Any]]:
    with path.open("rb") as file:
        for raw in file:
            if not raw.endswith(b"\n"):
                return  # a line cut short by a crash: the write it announced is re-read
            try:
                record = json.loads(raw)
            except ValueError:
                continue  # a torn line ended by a later run: the records after it count
            if isinstance(record, dict):
                yield record


def read_journal(path: str | os.PathLike[str]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(the plan record, the records after it) of a journal.

    Raises:
        ConfigurationError: no such file, or not a journal of this package.
    """
    where = Path(path)
    try:
        records = list(_lines(where))
    except OSError as exc:
        raise ConfigurationError(
            f"The journal {str(where)!r} cannot be read ({exc.strerror})."
        ) from None
    if not records or records[0].get("type") != "plan" or records[0].get("v") != VERSION:
        raise ConfigurationError(
            f"{str(where)!r} is not a journal written by plan.apply() (its first line is "
            "not the plan)."
        )
    return records[0], records[1:]
