"""The journal of an apply: one JSON object a line, appended atomically, ``0600``.

Line one is the plan (every change with its before-image) and the service it was
applied to (``base_url`` and ``org``); then, for each write, a ``sending`` line before
the request (a delete's carries the whole profile as read just before it) and a
``result`` line after it. An apply that stops (a crash, a closed laptop) leaves a
journal from which :func:`resume` finishes the plan and :func:`undo` restores the
before-images — only against the service and organization it names. It never holds
the token, the secret or anything from the login: only usernames, field names and
values.

One run at a time: a run holds a lock on its journal (``flock``; a
``<journal>.lock`` file where there is none) and a second run on the same journal
is refused (:class:`JournalError`) instead of sending the same writes again.

Version 2 added the service binding and the whole-profile images of deletes; a
version 1 journal says neither, so it is refused (finish or undo it with the
expertfile-nb release that wrote it).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from expertfile_nb.errors import ConfigurationError, JournalElsewhereError, JournalError

__all__ = [
    "Journal",
    "JournalElsewhereError",
    "JournalError",
    "default_journal_path",
    "locked",
    "read_journal",
]

VERSION = 2
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # a symbolic link is refused (ELOOP)
_ACTIONS = ("update", "create", "delete")


def default_journal_path() -> Path:
    """A new file in the user data folder:
    ``…/expertfile-nb/journals/apply-<UTC time>-<pid>-<random>.jsonl`` (never the
    path of an earlier journal, even for two applies in the same second)."""
    import platformdirs

    folder = Path(platformdirs.user_data_dir("expertfile-nb", appauthor=False)) / "journals"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    return folder / f"apply-{stamp}-{os.getpid()}-{secrets.token_hex(4)}.jsonl"


def _lock(fd: int, path: Path) -> Any:
    """Hold an exclusive lock for ``fd`` (released when it is closed); a handle to
    release, or raise :class:`JournalError` if another run holds it."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover -- no flock (Windows): a lock file beside it
        import filelock

        lock = filelock.FileLock(str(path) + ".lock", timeout=0)
        try:
            lock.acquire()
        except filelock.Timeout:
            raise _in_use(path) from None
        return lock
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        raise _in_use(path) from None
    return None


def _in_use(path: Path) -> JournalError:
    return JournalError(
        f"The journal {str(path)!r} is in use by another run (an apply, resume or undo "
        "of it is still going); wait for it to finish, then run this again."
    )


@contextlib.contextmanager
def locked(path: str | os.PathLike[str]) -> Iterator[None]:
    """Hold the lock of an existing journal (read-only) for the block.

    Raises:
        JournalError: another run holds it.
        ConfigurationError: it cannot be opened.
    """
    where = Path(path)
    try:
        fd = os.open(where, os.O_RDONLY | _NOFOLLOW)
    except OSError as exc:
        raise ConfigurationError(
            f"The journal {str(where)!r} cannot be read ({exc.strerror})."
        ) from None
    try:
        handle = _lock(fd, where)
        try:
            yield
        finally:
            if handle is not None:  # pragma: no cover -- Windows
                handle.release()
    finally:
        os.close(fd)


class Journal:
    """An open journal file; :meth:`write` appends one record with one ``write(2)``
    (``O_APPEND``: records from several threads never interleave, no lock needed).

    Opening it takes the journal's lock (:class:`JournalError` if another run holds
    it); closing it releases the lock.

    A record announcing a write (``sending``) is synced to disk before the write is
    sent: after a crash, the journal knows every write that may have happened (undo
    needs them). Other records are not synced: a lost ``result`` only makes a resume
    read that person again, which finds the change already made.

    Attributes:
        empty: the file held nothing when it was opened (a new journal).
    """

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
        try:
            self._handle = _lock(self._fd, self.path)
        except JournalError:
            os.close(self._fd)
            raise
        os.fchmod(self._fd, 0o600)  # a file made earlier with wider rights is narrowed
        size = os.fstat(self._fd).st_size
        self.empty = size == 0
        if size and os.pread(self._fd, 1, size - 1) != b"\n":
            # a line torn by a crash: end it, so the records appended now stay readable
            os.write(self._fd, b"\n")

    def write(self, record: dict[str, Any], *, sync: bool = False) -> None:
        line = (json.dumps(record, separators=(",", ":"), default=str) + "\n").encode()
        os.write(self._fd, line)
        if sync:
            os.fsync(self._fd)

    def close(self) -> None:
        if self._handle is not None:  # pragma: no cover -- Windows
            self._handle.release()
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


def _index(value: object, count: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < count


def _check_header(header: dict[str, Any], where: str) -> int:
    """The number of changes of a checked plan record (raises JournalError)."""

    def bad(what: str) -> JournalError:
        return JournalError(
            f"{where!r} is damaged: {what}. It was not written this way by plan.apply(); "
            "nothing was sent. Use an intact copy, or plan again from the profiles."
        )

    if header.get("kind") not in ("experts", "staff"):
        raise bad("its plan's kind is not experts or staff")
    changes = header.get("changes")
    if not isinstance(changes, list):
        raise bad("its plan has no list of changes")
    for i, change in enumerate(changes):
        if (
            not isinstance(change, dict)
            or change.get("action") not in _ACTIONS
            or not all(k in change for k in ("username", "field", "old", "new"))
            or not isinstance(change["username"], (str, type(None)))
            or not isinstance(change["field"], (str, type(None)))
            or (change["action"] == "update" and not isinstance(change["field"], str))
            or (change["action"] == "create" and not isinstance(change["new"], dict))
            or (change["action"] == "delete" and not isinstance(change["old"], dict))
        ):
            raise bad(f"change {i} of its plan is malformed")
    for key in ("base_url", "org"):
        if not isinstance(header.get(key), (str, type(None))):
            raise bad(f"its {key} is not text")
    return len(changes)


def _check_record(record: dict[str, Any], count: int, where: str, line: int) -> None:
    kind = record.get("type")
    ok = True
    if kind == "sending":
        ns = record.get("n")
        ok = isinstance(ns, list) and all(_index(n, count) for n in ns)
        ok = ok and isinstance(record.get("image", {}), dict)
    elif kind == "result":
        ok = _index(record.get("n"), count) and isinstance(record.get("status"), str)
        ok = ok and isinstance(record.get("username"), (str, type(None)))
    elif kind == "created":
        ok = _index(record.get("n"), count) and isinstance(record.get("username"), str)
    if not ok:
        raise JournalError(
            f"{where!r} is damaged: its {kind} record number {line} (the plan is 1) names "
            "no change of its plan, or has fields of the wrong type. Nothing was sent; use "
            "an intact copy."
        )


def read_journal(path: str | os.PathLike[str]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(the plan record, the records after it) of a journal, checked: every record
    names a change of the plan, with fields of the right types.

    Raises:
        ConfigurationError: no such file, or not a journal of this package.
        JournalError: an older version, or a journal damaged by hand.
    """
    where = Path(path)
    try:
        records = list(_lines(where))
    except OSError as exc:
        raise ConfigurationError(
            f"The journal {str(where)!r} cannot be read ({exc.strerror})."
        ) from None
    if not records or records[0].get("type") != "plan":
        raise ConfigurationError(
            f"{str(where)!r} is not a journal written by plan.apply() (its first line is "
            "not the plan)."
        )
    version = records[0].get("v")
    if version != VERSION:
        older = isinstance(version, int) and not isinstance(version, bool) and version < VERSION
        raise JournalError(
            f"{str(where)!r} is a version {version!r:.20} journal; this expertfile-nb reads "
            f"version {VERSION}. "
            + (
                "An older journal does not say which service and organization it was "
                "applied to, nor holds whole profiles of deletes: finish or undo it with the "
                "expertfile-nb release that wrote it."
                if older
                else "Use the expertfile-nb release that wrote it."
            )
        )
    count = _check_header(records[0], str(where))
    for line, record in enumerate(records[1:], start=2):
        _check_record(record, count, str(where), line)
    return records[0], records[1:]


def binding_of(session: Any) -> dict[str, str | None]:
    """The service and organization a session writes to, as a journal records them."""
    base = getattr(session, "base_url", None)
    org = getattr(session, "org_id", None)
    return {
        "base_url": None if base is None else str(base).rstrip("/"),
        "org": None if org is None else str(org),
    }


def check_binding(header: Mapping[str, Any], session: Any, path: str | Path) -> None:
    """Refuse a journal applied to another service or organization than ``session``'s.

    Raises:
        JournalElsewhereError: naming both.
    """
    here = binding_of(session)
    there = {k: header.get(k) for k in here}
    if there != here:
        raise JournalElsewhereError(
            f"{str(path)!r} was applied to {there['base_url']} (organization "
            f"{there['org']}); you are logged in to {here['base_url']} (organization "
            f"{here['org']}). Nothing was sent: log in to the service the journal names "
            "to finish or undo it."
        )
