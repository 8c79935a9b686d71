"""Serving a capture (``expertfile-nb capture --out DIR``) instead of the synthetic organization.

``FakeExpertFile(dataset=DIR)`` answers every documented read from the captured
files, for whichever organization its token is for, with its own paging
(``page_size``, ``page_from`` and the ``paging``/``max_page_size``/``oversize_pages``
settings), auth, faults and virtual clock. The capture's layout is written by
``expertfile_nb._checks.capture`` (this package states it again here: the two never
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

import errno
import json
import os
import stat
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import replace
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

__all__ = [
    "DATASET_ROUTES",
    "MAX_DEPTH",
    "MAX_FILES",
    "MAX_FILE_BYTES",
    "MAX_TOTAL_BYTES",
    "Dataset",
    "DatasetError",
]

FORMAT = "expertfile-nb capture"
VERSION = 1
#: the largest file of a capture read (a list of many thousand records fits easily)
MAX_FILE_BYTES = 32 * 1024 * 1024
#: the most all of a capture's files may hold together
MAX_TOTAL_BYTES = 256 * 1024 * 1024
#: the most files (and folders) a capture may hold
MAX_FILES = 20_000
#: the deepest nesting of JSON values in a file (a profile is a handful deep)
MAX_DEPTH = 32
LISTS = ("experts", "staff", "spotlights")
_PEOPLE = {"expert": "experts", "staff": "staff"}
_LINK = "a symbolic link (a capture holds regular files only)"


class DatasetError(ValueError):
    """The folder is not a capture the fake can serve; the text names the file and the reason."""


def _file_name(value: str) -> str:
    name = quote(value, safe="")
    return name.replace(".", "%2E") if name in (".", "..") else name


def _shown(relative: str) -> str:
    """A file name for a one-line message: control characters escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in relative)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _depth_ok(value: Any) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            return False
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return True


class _Reader:
    """Reads a capture's files through folder descriptors: no link followed, no FIFO waited on."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.total = 0
        self.count = 0

    def fail(self, relative: str, reason: str) -> DatasetError:
        return DatasetError(f"{_shown(str(self.folder))}: {_shown(relative)}: {reason}")

    def entries(self, dir_fd: int, relative: str) -> Iterator[tuple[str, os.stat_result]]:
        """The names in a folder with their own (not followed) status, sorted."""
        for name in sorted(os.listdir(dir_fd)):
            self.count += 1
            if self.count > MAX_FILES:
                raise self.fail(relative or ".", f"more than {MAX_FILES} files; not a capture")
            info = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
            if stat.S_ISLNK(info.st_mode) and relative:
                raise self.fail(f"{relative}/{name}", _LINK)
            yield name, info

    def open_dir(self, name: str, dir_fd: int, relative: str) -> int:
        try:
            return os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=dir_fd)
        except OSError as exc:
            raise self.fail(relative, f"cannot open the folder ({exc.strerror})") from None

    def load(self, name: str, dir_fd: int, relative: str) -> Any:
        """The parsed JSON of one regular file (the whole envelope)."""
        try:
            fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=dir_fd)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise self.fail(relative, _LINK) from None
            raise self.fail(relative, f"cannot open it ({exc.strerror})") from None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise self.fail(relative, "not a regular file")
            if info.st_size > MAX_FILE_BYTES:
                raise self.fail(relative, f"larger than {MAX_FILE_BYTES} bytes")
            chunks, size = [], 0
            while size <= MAX_FILE_BYTES:
                chunk = os.read(fd, 1024 * 1024)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
        except OSError as exc:
            raise self.fail(relative, f"cannot read it ({exc.strerror})") from None
        finally:
            os.close(fd)
        if size > MAX_FILE_BYTES:
            raise self.fail(relative, f"larger than {MAX_FILE_BYTES} bytes")
        self.total += size
        if self.total > MAX_TOTAL_BYTES:
            raise self.fail(relative, f"the capture holds more than {MAX_TOTAL_BYTES} bytes")
        try:
            text = b"".join(chunks).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise self.fail(relative, f"not UTF-8 text (byte {exc.start})") from None
        try:
            value = json.loads(text, parse_constant=_no_constant)
        except RecursionError:
            raise self.fail(relative, f"JSON nested deeper than {MAX_DEPTH} levels") from None
        except ValueError as exc:
            raise self.fail(relative, f"not valid JSON ({exc})") from None
        if not _depth_ok(value):
            raise self.fail(relative, f"JSON nested deeper than {MAX_DEPTH} levels")
        return value


def _is_str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _list_problem(noun: str, data: Any) -> str | None:
    """What is wrong with a list file's ``data`` (``None``: nothing the handlers trip on)."""
    if not isinstance(data, dict) or not isinstance(data.get(noun), list):
        return f"holds no data.{noun} list"
    if "aggregations" in data and not isinstance(data["aggregations"], dict):
        return "data.aggregations is not an object"
    for n, row in enumerate(data[noun]):
        where = f"data.{noun}[{n}]"
        if not isinstance(row, dict):
            return f"{where} is not an object"
        if noun == "spotlights":
            for key in ("tags", "tagged_experts"):
                if row.get(key) is not None and not _is_str_list(row[key]):
                    return f"{where}.{key} is not a list of strings"
            continue
        topics = row.get("topics")
        if topics is not None and not (
            isinstance(topics, list)
            and all(isinstance(t, dict) and isinstance(t.get("title", ""), str) for t in topics)
        ):
            return f"{where}.topics is not a list of objects with a string title"
    return None


def _envelope(reader: _Reader, relative: str, body: Any) -> Any:
    if not isinstance(body, dict) or "data" not in body:
        raise reader.fail(relative, 'not a capture envelope ({"success": true, "data": …})')
    return body["data"]


class Dataset:
    """A capture on disk, checked whole and held in memory: no file is read after loading.

    Every file of the layout is opened without following links (a link, FIFO,
    device or folder where a file belongs is refused), read up to
    :data:`MAX_FILE_BYTES` (:data:`MAX_TOTAL_BYTES` in all), parsed as UTF-8 JSON at
    most :data:`MAX_DEPTH` deep, and checked against what the handlers read, so a
    capture that loads is answered without a 500. Files beside the layout's
    (anything at the top other than ``capture.json``, the lists and the ``expert``,
    ``staff`` and ``spotlight`` folders) are left alone.

    Args:
        folder: the folder ``expertfile-nb capture --out`` wrote.

    Raises:
        DatasetError: the first problem found, naming the file and the reason.
    """

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.files: dict[str, Any] = {}
        reader = _Reader(self.folder)
        try:
            root = os.open(self.folder, os.O_RDONLY | os.O_DIRECTORY)
        except OSError as exc:
            raise DatasetError(
                f"{_shown(str(self.folder))} is not a capture (cannot open the folder: "
                f"{exc.strerror}); make one with `expertfile-nb capture --out DIR`."
            ) from None
        try:
            self._load(reader, root)
        finally:
            os.close(root)
        self.lists = {noun: self.files[f"{noun}.json"] for noun in LISTS}

    def _load(self, reader: _Reader, root: int) -> None:
        top = dict(reader.entries(root, ""))
        if "capture.json" not in top:
            raise DatasetError(
                f"{_shown(str(self.folder))} is not a capture (no capture.json); make one with "
                "`expertfile-nb capture --out DIR`."
            )
        manifest = reader.load("capture.json", root, "capture.json")
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise reader.fail("capture.json", f'"format" is not "{FORMAT}"')
        version = manifest.get("version")
        if type(version) is not int or version != VERSION:
            raise reader.fail(
                "capture.json",
                f'"version" {_shown(repr(version))[:20]} is not {VERSION}, the one this fake reads',
            )
        self.manifest = manifest
        for noun in LISTS:
            relative = f"{noun}.json"
            if relative not in top:
                raise reader.fail(relative, "missing")
            data = _envelope(reader, relative, reader.load(relative, root, relative))
            problem = _list_problem(noun, data)
            if problem:
                raise reader.fail(relative, problem)
            self.files[relative] = data
        for folder in ("expert", "staff", "spotlight"):
            if folder in top:
                self._folder(reader, root, folder, top[folder])

    def _folder(self, reader: _Reader, root: int, folder: str, info: os.stat_result) -> None:
        if stat.S_ISLNK(info.st_mode):
            raise reader.fail(folder, _LINK)
        if not stat.S_ISDIR(info.st_mode):
            raise reader.fail(folder, "not a folder")
        fd = reader.open_dir(folder, root, folder)
        try:
            for name, entry in reader.entries(fd, folder):
                relative = f"{folder}/{name}"
                if stat.S_ISDIR(entry.st_mode) and folder in _PEOPLE:
                    if name.endswith(".json"):
                        raise reader.fail(relative, "a folder where a profile file belongs")
                    sub = reader.open_dir(name, fd, relative)
                    try:
                        for section, _ in reader.entries(sub, relative):
                            self._file(reader, sub, f"{relative}/{section}", "section")
                    finally:
                        os.close(sub)
                else:
                    self._file(reader, fd, relative, folder)
        finally:
            os.close(fd)

    def _file(self, reader: _Reader, dir_fd: int, relative: str, kind: str) -> None:
        if not relative.endswith(".json"):
            raise reader.fail(relative, "not a .json file of a capture")
        data = _envelope(
            reader, relative, reader.load(relative.rsplit("/", 1)[1], dir_fd, relative)
        )
        if kind == "section" and not isinstance(data, list):
            raise reader.fail(relative, "data is not a list (a profile section)")
        if kind in _PEOPLE and not isinstance(data, dict):
            raise reader.fail(relative, "data is not an object (a profile)")
        if kind == "spotlight" and not (
            isinstance(data, dict)
            and isinstance(data.get("spotlight"), list)
            and all(isinstance(r, dict) for r in data["spotlight"])
        ):
            raise reader.fail(relative, "data.spotlight is not a list of objects")
        self.files[relative] = data

    def read(self, *parts: str) -> Any:
        """The ``data`` of a captured single read (``None`` if not captured)."""
        return self.files.get("/".join(parts) + ".json")


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
