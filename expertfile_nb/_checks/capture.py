"""``capture``: save an organization's answers as files the fake server can serve offline.

The layout (``fake_server`` reads the same layout; it never imports this package)::

    DIR/capture.json                      what was captured: counts, limit, anonymized
    DIR/experts.json, staff.json, spotlights.json
                                          {"success": true, "data": {"<list>": [...],
                                           "total": <records saved>, "aggregations": ...}}
    DIR/expert/<username>.json            {"success": true, "data": {section: [...]}}
    DIR/expert/<username>/<section>.json  {"success": true, "data": [...]}
    DIR/staff/<username>.json, DIR/staff/<username>/<section>.json
    DIR/spotlight/<id>.json               {"success": true, "data": {"spotlight": [record]}}

The lists are pulled with the client's own verified paging (all pages, or the
first ``limit`` records; ``total`` is then the number saved). The envelopes are
the documented ones; no token or secret is ever written (a value or key holding
one is masked; a record whose username holds one gets no file). With ``anonymize``,
every value that could name a person goes through :mod:`expertfile_nb._checks.anonymize`,
with a random key that is not written to the folder.

Everything is written into a hidden folder beside ``out`` that is renamed to ``out``
once complete: a capture that fails leaves nothing behind. A profile whose username
cannot be a file name (longer than 200 bytes once encoded) is not saved, and is
listed as skipped.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests

from expertfile_nb._auth.login import get_session
from expertfile_nb._auth.provider import BearerAuth
from expertfile_nb._checks.anonymize import KEY_BYTES, Pseudonyms, new_key
from expertfile_nb._reads.endpoints import (
    EXPERT_PROFILE,
    EXPERTS,
    SPOTLIGHT_PATH,
    SPOTLIGHTS,
    STAFF,
    STAFF_PROFILE,
    ListEndpoint,
    ProfileEndpoint,
)
from expertfile_nb._reads.paging import Pull, collect
from expertfile_nb._reads.records import read_profile, read_spotlight
from expertfile_nb._redact import REDACTED, contains_any, scrub
from expertfile_nb.errors import APIError, ConfigurationError, ExpertFileError

__all__ = ["FORMAT", "Capture", "capture", "file_name", "read_key_file"]

FORMAT = "expertfile-nb capture"
VERSION = 1
#: the longest file name written, in bytes (most file systems allow 255)
MAX_NAME_BYTES = 200


def file_name(value: object) -> str:
    """A username or id as one safe file name (``/`` and ``..`` cannot escape the folder)."""
    name = quote(str(value), safe="")
    return name.replace(".", "%2E") if name in (".", "..") else name


def section_file(section: str) -> str:
    """``media/youtube`` → ``media__youtube`` (one file, not a folder)."""
    return section.replace("/", "__")


@dataclass
class Capture:
    """What ``capture`` saved: counts by kind, and where."""

    out: Path
    anonymized: bool
    counts: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        saved = ", ".join(f"{n} {kind}" for kind, n in self.counts.items())
        how = " (anonymized)" if self.anonymized else ""
        text = f"Captured{how} into {self.out}: {saved}."
        if self.skipped:
            text += f" Not saved (the service failed them): {'; '.join(self.skipped)}."
        return text


def _hidden(session: requests.Session) -> tuple[str | None, ...]:
    """The token and the secret behind ``session`` (never to be written)."""
    auth = session.auth
    if not isinstance(auth, BearerAuth):
        return ()
    token = auth.provider.token
    credentials = auth.provider.credentials
    return (
        token.access_token if token else None,
        credentials.client_secret if credentials else None,
    )


class _Writer:
    def __init__(self, out: Path, pseudonyms: Pseudonyms | None, session: requests.Session) -> None:
        self.out, self.pseudonyms, self.session = out, pseudonyms, session

    def _mask(self, value: Any, hidden: tuple[str | None, ...]) -> Any:
        if isinstance(value, dict):
            return {self._mask(k, hidden): self._mask(v, hidden) for k, v in value.items()}
        if isinstance(value, list):
            return [self._mask(v, hidden) for v in value]
        if isinstance(value, str):
            return scrub(value, *hidden)
        return value

    def clean(self, value: Any) -> Any:
        value = self.pseudonyms.apply(value) if self.pseudonyms else value
        return self._mask(value, _hidden(self.session))

    def name(self, username: object) -> tuple[str | None, str]:
        """The file name of a username, or ``None`` and why there can be none."""
        if isinstance(username, bool) or not isinstance(username, (str, int)):
            return None, "not a username"
        text = str(username)
        if REDACTED in text or contains_any(text, _hidden(self.session)):
            # *** is what the read left where the service echoed a held token or secret
            return None, "the username holds the token or secret"
        if self.pseudonyms:
            text = self.pseudonyms.username(text)
        name = file_name(text)
        if len(name.encode()) > MAX_NAME_BYTES:
            return None, "the username is too long for a file name"
        return name, ""

    def write(self, relative: str, data: Any) -> None:
        path = self.out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        envelope = {"success": True, "data": self.clean(data)}
        path.write_text(json.dumps(envelope, ensure_ascii=False, indent=1), encoding="utf-8")


def _pull(endpoint: ListEndpoint, session: requests.Session, limit: int | None) -> dict[str, Any]:
    pull = Pull(endpoint, {}, session, page_size=100, limit=limit, workers=2, progress=None)
    pull.refuse_starred = False  # a username read as *** is kept here, then skipped (name())
    records = collect(pull)
    data: dict[str, Any] = {endpoint.list_key: records, "total": len(records)}
    if pull.aggregations is not None:
        data["aggregations"] = pull.aggregations
    return data


def _profiles(
    result: Capture,
    writer: _Writer,
    endpoint: ProfileEndpoint,
    folder: str,
    usernames: list[str],
    session: Callable[[], requests.Session],
) -> int:
    saved = 0
    for number, username in enumerate(usernames, 1):
        name, why = writer.name(username)
        if name is None:
            result.skipped.append(f"{folder} #{number} ({why})")
            continue
        try:
            profile = read_profile(endpoint, username, None, session)
        except (APIError, ConfigurationError) as exc:
            status = getattr(exc, "status", None)
            result.skipped.append(f"{folder}/{name} ({f'HTTP {status}' if status else 'unread'})")
            continue
        writer.write(f"{folder}/{name}.json", profile)
        saved += 1
        for section in endpoint.sections:
            try:
                items = read_profile(endpoint, username, section, session)
            except APIError as exc:  # one broken section should not lose the whole capture
                result.skipped.append(f"{folder}/{name}/{section} (HTTP {exc.status})")
                continue
            writer.write(f"{folder}/{name}/{section_file(section)}.json", items)
    return saved


def read_key_file(path: str | Path, out: str | Path) -> bytes:
    """The pseudonym key kept in ``path``; a new one, written there (mode 0600), if missing.

    Raises:
        ConfigurationError: ``path`` is inside ``out``, or holds no key.
    """
    key_path = Path(path).expanduser().absolute()
    folder = Path(out).expanduser().absolute()
    if key_path == folder or folder in key_path.parents:
        raise ConfigurationError(
            f"The key file {path} is inside the capture: anyone given the capture could "
            "then undo the pseudonyms. Keep it elsewhere."
        )
    if not key_path.exists():
        key = new_key()
        key_path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(key.hex() + "\n")
        return key
    try:
        text = key_path.read_text(encoding="ascii", errors="replace").strip()
        key = bytes.fromhex(text) if len(text) == 2 * KEY_BYTES else b""
    except (OSError, ValueError):
        key = b""
    if len(key) != KEY_BYTES:
        raise ConfigurationError(
            f"The key file {path} holds no key ({2 * KEY_BYTES} hex digits, as written by "
            "--anonymize-key-file); name a new file to make a new key."
        )
    return key


def capture(
    out: str | Path,
    *,
    limit: int | None = None,
    profiles: int = 3,
    anonymize: bool = False,
    anonymize_key_file: str | Path | None = None,
    session: requests.Session | None = None,
) -> Capture:
    """Save the organization's list answers and a few single reads into ``out``.

    Args:
        out: the folder to write (created; must be empty if it exists). It appears only
            once the capture is complete.
        limit: save at most this many records of each list (default: all).
        profiles: how many experts, staff members and spotlights (the first of each
            list) to save whole, with every documented section of each profile.
        anonymize: replace usernames, names, emails, phones, URLs and free text with
            pseudonyms made with a random key, new for this capture and not written to
            ``out`` (usernames consistently within it, so joins still work). Ids,
            numbers, dates, countries and the vocabulary of topics and tags are kept.
        anonymize_key_file: with ``anonymize``, a file outside ``out`` to read the key
            from (or to create with a new key, mode 0600): captures made with the same
            key file give the same pseudonyms. Keep it private.
        session: a session from :func:`expertfile_nb.get_session` (default: a new one,
            logging in first if needed).

    Returns:
        What was saved (a section or profile that could not be saved is listed as skipped).

    Raises:
        ConfigurationError: ``out`` is a non-empty folder or a file, or cannot be
            written; a bad ``limit``, ``profiles`` or key file.
        NotLoggedInError: no credentials anywhere.
        APIError: the service answered with an error.
    """
    folder = Path(out)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ConfigurationError(f"{folder} exists and is not an empty folder; choose another.")
    if isinstance(profiles, bool) or not isinstance(profiles, int) or profiles < 0:
        raise ConfigurationError("profiles must be a whole number from 0.")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
        raise ConfigurationError("limit must be a whole number from 0, or None for all.")
    if anonymize_key_file is not None and not anonymize:
        raise ConfigurationError("anonymize_key_file needs anonymize=True.")
    key = None
    if anonymize:
        key = new_key() if anonymize_key_file is None else read_key_file(anonymize_key_file, out)
    active = session if session is not None else get_session()
    lists = {
        endpoint.noun: _pull(endpoint, active, limit) for endpoint in (EXPERTS, STAFF, SPOTLIGHTS)
    }
    try:
        folder.absolute().parent.mkdir(parents=True, exist_ok=True)
        work = Path(
            tempfile.mkdtemp(
                prefix=f".{file_name(folder.name)[:40]}.", dir=folder.absolute().parent
            )
        )
    except OSError as exc:
        raise ConfigurationError(
            f"Cannot write the capture beside {folder} ({exc.strerror}); choose another folder."
        ) from None
    try:
        result = _write(work, lists, profiles, key, anonymize_key_file is not None, limit, active)
        if folder.exists():
            folder.rmdir()  # empty (checked above)
        work.rename(folder)
    except ExpertFileError:
        shutil.rmtree(work, ignore_errors=True)
        raise
    except OSError as exc:
        shutil.rmtree(work, ignore_errors=True)
        raise ConfigurationError(
            f"Could not write the capture into {folder} ({exc.strerror}); nothing was kept. "
            "Check the free space and the permissions, or choose another folder."
        ) from None
    result.out = folder
    return result


def _write(
    work: Path,
    lists: dict[str, dict[str, Any]],
    profiles: int,
    key: bytes | None,
    key_kept: bool,
    limit: int | None,
    active: requests.Session,
) -> Capture:
    """Write the lists, the profiles and the manifest into ``work``."""
    writer = _Writer(work, Pseudonyms(key) if key else None, active)
    result = Capture(work, key is not None)
    for noun, data in lists.items():
        writer.write(f"{noun}.json", data)
        result.counts[noun] = len(data[noun])

    def first(noun: str, key: str) -> list[Any]:
        return [r[key] for r in lists[noun][noun][:profiles] if isinstance(r, dict) and key in r]

    def use() -> requests.Session:
        return active

    result.counts["expert profiles"] = _profiles(
        result, writer, EXPERT_PROFILE, "expert", first("experts", "username"), use
    )
    result.counts["staff profiles"] = _profiles(
        result, writer, STAFF_PROFILE, "staff", first("staff", "username"), use
    )
    saved = 0
    for number, spotlight_id in enumerate(first("spotlights", "id"), 1):
        name = file_name(spotlight_id)
        if contains_any(name, _hidden(active)) or len(name.encode()) > MAX_NAME_BYTES:
            result.skipped.append(f"spotlight #{number} (an id that cannot be a file name)")
            continue
        try:
            record = read_spotlight(SPOTLIGHT_PATH, spotlight_id, use)
        except (APIError, ConfigurationError) as exc:
            status = getattr(exc, "status", None)
            result.skipped.append(
                f"spotlight #{number} ({f'HTTP {status}' if status else 'unread'})"
            )
            continue
        writer.write(f"spotlight/{name}.json", {"spotlight": [record]})
        saved += 1
    result.counts["spotlight reads"] = saved
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "anonymized": key is not None,
        "anonymize_key": None if key is None else "kept by its user" if key_kept else "discarded",
        "limit": limit,
    }
    manifest.update(counts=result.counts, skipped=result.skipped)
    (work / "capture.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return result
