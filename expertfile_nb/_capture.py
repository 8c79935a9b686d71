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
the documented ones; no token or secret is ever written. With ``anonymize``,
every value that could name a person goes through :mod:`expertfile_nb._anonymize`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests

from expertfile_nb._anonymize import anonymize as pseudonymize
from expertfile_nb._endpoints import (
    EXPERT_PROFILE,
    EXPERTS,
    SPOTLIGHT_PATH,
    SPOTLIGHTS,
    STAFF,
    STAFF_PROFILE,
    ListEndpoint,
    ProfileEndpoint,
)
from expertfile_nb._login import get_session
from expertfile_nb._paging import Pull, collect
from expertfile_nb._records import read_profile, read_spotlight
from expertfile_nb.errors import APIError, ConfigurationError

__all__ = ["FORMAT", "Capture", "capture", "file_name"]

FORMAT = "expertfile-nb capture"
VERSION = 1


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


class _Writer:
    def __init__(self, out: Path, anonymized: bool) -> None:
        self.out, self.anonymized = out, anonymized

    def clean(self, value: Any) -> Any:
        return pseudonymize(value) if self.anonymized else value

    def name(self, username: str) -> str:
        return file_name(self.clean({"username": username})["username"])

    def write(self, relative: str, data: Any) -> None:
        path = self.out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        envelope = {"success": True, "data": self.clean(data)}
        path.write_text(json.dumps(envelope, ensure_ascii=False, indent=1), encoding="utf-8")


def _pull(endpoint: ListEndpoint, session: requests.Session, limit: int | None) -> dict[str, Any]:
    pull = Pull(endpoint, {}, session, page_size=100, limit=limit, workers=2, progress=None)
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
    for username in usernames:
        name = writer.name(username)
        writer.write(f"{folder}/{name}.json", read_profile(endpoint, username, None, session))
        for section in endpoint.sections:
            try:
                items = read_profile(endpoint, username, section, session)
            except APIError as exc:  # one broken section should not lose the whole capture
                result.skipped.append(f"{folder}/{name}/{section} (HTTP {exc.status})")
                continue
            writer.write(f"{folder}/{name}/{section_file(section)}.json", items)
    return len(usernames)


def capture(
    out: str | Path,
    *,
    limit: int | None = None,
    profiles: int = 3,
    anonymize: bool = False,
    session: requests.Session | None = None,
) -> Capture:
    """Save the organization's list answers and a few single reads into ``out``.

    Args:
        out: the folder to write (created; must be empty if it exists).
        limit: save at most this many records of each list (default: all).
        profiles: how many experts, staff members and spotlights (the first of each
            list) to save whole, with every documented section of each profile.
        anonymize: replace names, emails, phones, URLs and free text with
            deterministic pseudonyms (usernames consistently, so joins still work).
        session: a session from :func:`expertfile_nb.get_session` (default: a new one,
            logging in first if needed).

    Returns:
        What was saved (a section the service failed to answer is listed as skipped).

    Raises:
        ConfigurationError: ``out`` is a non-empty folder or a file; a bad ``limit``
            or ``profiles``.
        NotLoggedInError: no credentials anywhere.
        APIError: the service answered with an error.
    """
    folder = Path(out)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ConfigurationError(f"{folder} exists and is not an empty folder; choose another.")
    if isinstance(profiles, bool) or not isinstance(profiles, int) or profiles < 0:
        raise ConfigurationError("profiles must be a whole number from 0.")
    active = session if session is not None else get_session()
    writer = _Writer(folder, anonymize)
    result = Capture(folder, anonymize)
    lists = {
        endpoint.noun: _pull(endpoint, active, limit) for endpoint in (EXPERTS, STAFF, SPOTLIGHTS)
    }
    folder.mkdir(parents=True, exist_ok=True)
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
    spotlight_ids = first("spotlights", "id")
    for spotlight_id in spotlight_ids:
        record = read_spotlight(SPOTLIGHT_PATH, spotlight_id, use)
        writer.write(f"spotlight/{file_name(spotlight_id)}.json", {"spotlight": [record]})
    result.counts["spotlight reads"] = len(spotlight_ids)
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "anonymized": anonymize,
        "limit": limit,
    }
    manifest.update(counts=result.counts, skipped=result.skipped)
    (folder / "capture.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return result
