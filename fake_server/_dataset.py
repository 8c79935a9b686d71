"""Serving a capture (``expertfile-nb capture --out DIR``) instead of the synthetic organization.

``FakeExpertFile(dataset=DIR)`` answers every documented read from the captured
files, for whichever organization its token is for, with its own paging
(``page_size``, ``page_from`` and the ``paging``/``max_page_size``/``oversize_pages``
settings), auth, faults and virtual clock. The capture's layout is written by
``expertfile_nb._capture`` (this package states it again here: the two never
import each other).

Filters work as far as the captured list items allow:

- experts: ``q`` (in the username, tagline and topic titles), ``searchfield=fullname``
  (in the username: items carry no name), ``topics``;
- staff: ``q``, ``searchfield=fullname``;
- spotlights: ``q`` (in the title), ``status``, ``tags``, ``tagged``, ``year``, ``month``;
- ``access=public``, ``status=all``, ``sort=name``: the capture's own listing.

Anything else the items cannot answer (``countries``, ``industries``, ``categories``,
``tags`` and ``companies`` of people, ``fields``, other ``access``/``status``,
``sort=featured``) is a 400 that says so. Unfiltered lists carry the captured
aggregations; filtered ones recount what the items hold (experts: topics;
spotlights: year, tags, tagged_experts).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol, cast
from urllib.parse import quote

from werkzeug.wrappers import Request

from fake_server._answers import ok
from fake_server._query import (
    BadRequest,
    people_query,
    requested_fields,
    spotlight_query,
    window,
)
from fake_server._routes import ROUTES, NotFound, Route, Server
from fake_server._wsgi import Answer

__all__ = ["DATASET_ROUTES", "Dataset", "DatasetError"]

FORMAT = "expertfile-nb capture"


class DatasetError(ValueError):
    """The folder is not a readable capture; the text says what is wrong."""


def _file_name(value: str) -> str:
    name = quote(value, safe="")
    return name.replace(".", "%2E") if name in (".", "..") else name


class Dataset:
    """A capture on disk: the three lists in memory, single reads read when asked.

    Args:
        folder: the folder ``expertfile-nb capture --out`` wrote.

    Raises:
        DatasetError: no ``capture.json`` of the known format, or a list file missing.
    """

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        try:
            manifest = json.loads((self.folder / "capture.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise DatasetError(
                f"{self.folder} is not a capture (capture.json unreadable: {exc}); make one "
                "with `expertfile-nb capture --out DIR`."
            ) from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise DatasetError(f"{self.folder}/capture.json is not an expertfile-nb capture.")
        self.manifest = manifest
        self.lists = {noun: self._list(noun) for noun in ("experts", "staff", "spotlights")}
        self._read = lru_cache(maxsize=256)(self._read_file)

    def _list(self, noun: str) -> dict[str, Any]:
        data = self._read_file(f"{noun}.json")
        if not isinstance(data, dict) or not isinstance(data.get(noun), list):
            raise DatasetError(f"{self.folder}/{noun}.json holds no data.{noun} list.")
        return data

    def _read_file(self, relative: str) -> Any:
        try:
            body = json.loads((self.folder / relative).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        return body.get("data") if isinstance(body, dict) else None

    def read(self, *parts: str) -> Any:
        """The ``data`` of a captured single read (``None`` if not captured)."""
        return self._read("/".join(parts) + ".json")


class _DatasetServer(Server, Protocol):
    dataset: Dataset


def _dataset(server: Server) -> Dataset:
    return cast(_DatasetServer, server).dataset


def _page(server: Server, request: Request, hits: list[Any]) -> list[Any]:
    if requested_fields(request.args, server.list_settings()):
        raise BadRequest("fields: a capture holds the default items only; leave fields out")
    size, start = window(request.args, server.list_settings())
    return hits[start : start + size]


def _buckets(counts: Counter[Any]) -> list[dict[str, Any]]:
    return [{"key": k, "doc_count": n} for k, n in counts.most_common(10)]


def _has(needle: str, *texts: object) -> bool:
    return any(isinstance(t, str) and needle in t.lower() for t in texts)


def _people(server: Server, request: Request, *, staff: bool) -> tuple[list[Any], bool]:
    """The captured people matching the request, and whether any filter applied."""
    query = people_query(request.args, server.list_settings(), staff=staff)
    unsupported = [
        name
        for name in ("countries", "industries", "categories", "tags", "companies")
        if getattr(query, name)
    ]
    if unsupported or query.access != "public" or query.status != "all" or query.sort != "name":
        what = ", ".join(unsupported) or "access, status or sort other than the default"
        raise BadRequest(f"{what}: a capture's items cannot answer this; leave it out")
    noun = "staff" if staff else "experts"
    rows = _dataset(server).lists[noun][noun]
    needle = query.q.strip().lower()
    topics = {t.lower() for t in query.topics}

    def titles(row: dict[str, Any]) -> list[str]:
        return [t.get("title", "") for t in row.get("topics") or [] if isinstance(t, dict)]

    hits = [
        row
        for row in rows
        if (not topics or topics.intersection(t.lower() for t in titles(row)))
        and (
            not needle
            or _has(needle, row.get("username"))
            or (query.searchfield != "fullname" and _has(needle, row.get("tagline"), *titles(row)))
        )
    ]
    return hits, bool(needle or topics)


def _experts(server: Server, request: Request, org: int, params: dict[str, str]) -> Answer:
    hits, filtered = _people(server, request, staff=False)
    data = dict(_dataset(server).lists["experts"])
    if filtered:
        topics = Counter(t.get("title") for row in hits for t in row.get("topics") or [])
        data["aggregations"] = {"topics": {"buckets": _buckets(topics)}}
    return ok(data | {"experts": _page(server, request, hits), "total": len(hits)})


def _staff(server: Server, request: Request, org: int, params: dict[str, str]) -> Answer:
    hits, _ = _people(server, request, staff=True)
    data = dict(_dataset(server).lists["staff"])
    return ok(data | {"staff": _page(server, request, hits), "total": len(hits)})


def _spotlights(server: Server, request: Request, org: int, params: dict[str, str]) -> Answer:
    query = spotlight_query(request.args, server.list_settings())
    data = dict(_dataset(server).lists["spotlights"])
    want = {"published": 1, "unpublished": 0}.get(query.status)
    month = f"-{query.month:02d}" if query.month else ""
    tags, tagged = set(query.tags), set(query.tagged)
    hits = [
        row
        for row in data["spotlights"]
        if (want is None or row.get("published") == want)
        and (not query.q or _has(query.q.strip().lower(), row.get("spotlight_title")))
        and (not tags or tags.intersection(row.get("tags") or []))
        and (not tagged or tagged.intersection(row.get("tagged_experts") or []))
        and (query.year is None or str(row.get("year")) == str(query.year))
        and (not month or str(row.get("year-month", "")).endswith(month))
    ]
    if query != type(query)():
        data["aggregations"] = {
            "year": dict(sorted(Counter(str(r.get("year")) for r in hits).items())),
            "tagged_experts": _buckets(
                Counter(u for r in hits for u in r.get("tagged_experts") or [])
            ),
            "tags": _buckets(Counter(t for r in hits for t in r.get("tags") or [])),
        }
    return ok(data | {"spotlights": _page(server, request, hits), "total": len(hits)})


def _single(folder: str, kind: str) -> Callable[[Server, Request, int, dict[str, str]], Answer]:
    """The handler of a profile (``…/{username}``) or one of its sections."""

    def handler(server: Server, request: Request, org: int, params: dict[str, str]) -> Answer:
        name = _file_name(params["username"])
        segment = params.get("segment")
        parts = (folder, name) if segment is None else (folder, name, segment.replace("/", "__"))
        data = _dataset(server).read(*parts)
        if data is None:
            what = f"{kind} {params['username'][:60]!r}" + (f" {segment}" if segment else "")
            raise NotFound(f"no {what} in this capture of organization {org}")
        item_id = params.get("id")
        if item_id is None:
            return ok(data)
        found = [i for i in data if isinstance(i, dict) and str(i.get("id")) == item_id]
        if not found:
            raise NotFound(f"no {segment} item {item_id[:40]!r} for {params['username'][:60]!r}")
        return ok(found)

    return handler


def _spotlight(server: Server, request: Request, org: int, params: dict[str, str]) -> Answer:
    data = _dataset(server).read("spotlight", _file_name(params["id"]))
    if data is None:
        raise NotFound(f"no spotlight {params['id'][:40]!r} in this capture of organization {org}")
    return ok(data)


_HANDLERS = {
    "_experts": _experts,
    "_staff": _staff,
    "_spotlights": _spotlights,
    "_expert": _single("expert", "expert"),
    "_expert_segment": _single("expert", "expert"),
    "_staff_member": _single("staff", "staff member"),
    "_staff_segment": _single("staff", "staff member"),
    "_spotlight": _spotlight,
}

#: the fake's route table, every data endpoint answered from the capture (the token's as is)
DATASET_ROUTES: tuple[Route, ...] = tuple(
    replace(row, handler=_HANDLERS.get(row.handler.__name__, row.handler)) for row in ROUTES
)
