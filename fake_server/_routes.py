"""The route table: each documented endpoint → its handler.

Adding an endpoint is one :class:`Route` row in ``ROUTES`` and a handler
``(server, request, org, params) -> Answer``. A row says which methods it
answers and whether it needs a bearer token for the organization in its path;
:func:`route` does the 404/405/401/403 checks once for every row.
"""

from __future__ import annotations

import itertools
import re
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, Protocol

from werkzeug.wrappers import Request

from fake_server._answers import ok
from fake_server._data import Directory
from fake_server._fields import field_values
from fake_server._profiles import (
    EXPERT_SEGMENTS,
    STAFF_SEGMENTS,
    expert_profile,
    segment_items,
    staff_profile,
)
from fake_server._query import (
    BadRequest,
    ListSettings,
    people_query,
    requested_fields,
    spotlight_query,
    window,
)
from fake_server._reads import (
    section_items,
    sends_success,
    spotlight_data,
    staff_profile_keys,
)
from fake_server._tokens import Client, TokenIssuer, bearer_challenge
from fake_server._wsgi import Answer
from fake_server.settings import Settings

__all__ = ["ROUTES", "NotFound", "Route", "Server", "route"]


class Server(Protocol):
    """What a handler may use of the server."""

    tokens: TokenIssuer

    @property
    def settings(self) -> Settings: ...

    def failure(
        self, status: int, error: str, description: str, headers: dict[str, str] | None = None
    ) -> Answer: ...

    def directory(self, org_id: int, *, count_request: bool) -> Directory: ...

    def list_settings(self) -> ListSettings: ...

    def clients(self) -> dict[str, Client]: ...

    def now(self) -> float: ...


class NotFound(Exception):
    """No such record or section; the text says which."""


Handler = Callable[[Server, Request, int, dict[str, str]], Answer]


@dataclass(frozen=True)
class Route:
    """One endpoint: its path, its handler, the methods it answers, whether it needs a token."""

    pattern: re.Pattern[str]
    handler: Handler
    methods: tuple[str, ...] = ("GET", "HEAD")
    auth: bool = True


def _path(template: str) -> re.Pattern[str]:
    """``/v2/organization/{org}/expert/{username}`` → a pattern (a trailing ``/`` allowed)."""
    pattern = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template)
    pattern = pattern.replace("(?P<segment>[^/]+)", "(?P<segment>media/[a-z]+|[a-z]+)")
    return re.compile(pattern + "/?")


# -- handlers -----------------------------------------------------------------
def _token(server: Server, request: Request, org: int, params: dict[str, str]) -> Answer:
    if server.settings.token_paths == "v2" and not request.path.startswith("/v2/"):  # noqa: S105 -- a setting
        raise NotFound("no route for POST /oauth/token: use /v2/oauth/token")
    return server.tokens.answer(
        request,
        server.clients(),
        server.now() + server.settings.token_ttl,
        server.failure,
        json_body=server.settings.token_json == "accept",  # noqa: S105 -- a setting
    )


def _page(
    server: Server,
    request: Request,
    hits: Any,
    make: Callable[[int], dict[str, Any]],
    directory: Directory | None = None,
) -> tuple[list[dict[str, Any]], int]:
    size, start = window(request.args, server.list_settings())
    rows = [make(i) for i in hits[start : start + size]]
    if directory is not None and server.settings.corporation_value == "name":
        rows = [row | {"corporation": directory.name} for row in rows]
    if directory is not None:
        staff = request.path.rstrip("/").endswith("/employee")
        fields = requested_fields(request.args, server.list_settings(), staff=staff)
        if fields:
            keep = () if server.settings.fields_mode == "only" else tuple(rows[0]) if rows else ()
            rows = [
                {k: row[k] for k in keep} | field_values(directory, i, fields)
                for row, i in zip(rows, hits[start : start + size], strict=True)
            ]
    return rows, len(hits)


#: the most bytes of rendered list answers kept, over all servers: 10,000 experts in pages of
#: 100 take 5.7 MB (bench_pull reads them in two ways: 11.4 MB); the least recently sent go
RENDERED_BYTES = 32 * 1024 * 1024
_rendered_lock = threading.Lock()
_rendered: OrderedDict[tuple[int, Hashable], bytes] = OrderedDict()
_rendered_size = [0]  # bytes in _rendered
_directory_ids: weakref.WeakKeyDictionary[Directory, int] = weakref.WeakKeyDictionary()
_serials = itertools.count()  # a number per Directory for the life of the process


def _list_answer(
    server: Server, request: Request, d: Directory, render: Callable[[], Answer]
) -> Answer:
    """A list answer (``render()``), kept and sent again for the same request while nothing
    it is made of has changed: the organization's data (``d``: a :class:`Directory` never
    changes, and a reset or a changed expert count gives another), the path and query, and
    the server's settings. Writes never reach here: once an organization has
    one, the store answers its lists itself (``fake_server._store``). Rendering 100 experts
    and their JSON costs the fake about 0.7 ms of its GIL a page; sending kept bytes, a few
    microseconds (docs/performance.md)."""
    key = (
        request.path,
        tuple(sorted((k, tuple(v)) for k, v in request.args.lists())),  # in any order
        server.settings,  # frozen: any change of a setting is another key
    )
    with _rendered_lock:
        number = _directory_ids.get(d)
        if number is None:
            number = _directory_ids[d] = next(_serials)
        body = _rendered.get((number, key))
        if body is not None:
            _rendered.move_to_end((number, key))
            return Answer(body)
    answer = render()
    with _rendered_lock:
        if (number, key) not in _rendered:  # another thread may have rendered it meanwhile
            _rendered[number, key] = answer.body
            _rendered_size[0] += len(answer.body)
        while _rendered_size[0] > RENDERED_BYTES:
            _rendered_size[0] -= len(_rendered.popitem(last=False)[1])
    return answer


def _experts(server: Server, request: Request, org: int, params: dict[str, str]) -> Answer:
    d = server.directory(org, count_request=True)
    return _list_answer(server, request, d, lambda: _render_experts(server, request, d))


def _render_experts(server: Server, request: Request, d: Directory) -> Answer:
    hits, aggregations = d.search_people(
        people_query(request.args, server.list_settings(), staff=False)
    )
    rows, total = _page(server, request, hits, d.expert_item, d)
    if server.settings.guessed_items == "as_sampled":
        aggregations = {}  # as in the documented sample
    return ok({"experts": rows, "total": total, "aggregations": aggregations})


def _staff(server: Server, request: Request, org: int, params: dict[str, str]) -> Answer:
    d = server.directory(org, count_request=True)
    return _list_answer(server, request, d, lambda: _render_staff(server, request, d))


def _render_staff(server: Server, request: Request, d: Directory) -> Answer:
    hits, _ = d.search_people(people_query(request.args, server.list_settings(), staff=True))
    rows, total = _page(server, request, hits, d.staff_item, d)
    return ok({"staff": rows, "total": total})


def _spotlights(server: Server, request: Request, org: int, params: dict[str, str]) -> Answer:
    d = server.directory(org, count_request=True)
    return _list_answer(server, request, d, lambda: _render_spotlights(server, request, d))


def _render_spotlights(server: Server, request: Request, d: Directory) -> Answer:
    spotlights = d.spotlights
    hits, aggregations = spotlights.search(spotlight_query(request.args, server.list_settings()))
    rows, total = _page(server, request, hits, spotlights.item)
    if server.settings.guessed_items == "as_sampled":  # as in the documented sample
        aggregations = {"year": {}, "tagged_experts": [], "tags": []}
    rows = [spotlight_data(row, server.settings.guessed_items) for row in rows]
    return ok({"spotlights": rows, "aggregations": aggregations, "total": total})


def _person(server: Server, org: int, username: str, *, expert: bool) -> tuple[Directory, int]:
    d = server.directory(org, count_request=False)
    i = d.index_of(username)
    if i is None or (expert and not d.is_expert(i)):
        kind = "expert" if expert else "staff member"
        raise NotFound(f"no {kind} {username!r} in organization {org}")
    return d, i


def _expert(server: Server, request: Request, org: int, params: dict[str, str]) -> Answer:
    d, i = _person(server, org, params["username"], expert=True)
    fill = server.settings.guessed_items == "fill"
    return ok(expert_profile(d, i, inferred=server.settings.inferred_sections == "add", fill=fill))


def _staff_member(server: Server, request: Request, org: int, params: dict[str, str]) -> Answer:
    d, i = _person(server, org, params["username"], expert=False)
    profile = staff_profile(d, i, fill=server.settings.guessed_items == "fill")
    return ok(staff_profile_keys(profile, server.settings.doc_version))


def _segment(server: Server, org: int, params: dict[str, str], *, expert: bool) -> Answer:
    segment = params["segment"]
    allowed = EXPERT_SEGMENTS if expert else STAFF_SEGMENTS
    if segment not in allowed:
        raise NotFound(f"no section {segment!r}; sections: {', '.join(allowed)}")
    d, i = _person(server, org, params["username"], expert=expert)
    items = segment_items(d, i, segment, slate=server.settings.doc_version == "slate")
    item_id = params.get("id")
    sampled = sends_success(
        server.settings.success_key, "expert" if expert else "staff", segment, item_id is not None
    )
    if item_id is not None:
        items = [item for item in items if "id" in item and str(item["id"]) == item_id]
        if not items:
            raise NotFound(f"no {segment} item {item_id[:40]!r} for {params['username']!r}")
    shaped = section_items(
        segment,
        items,
        nulls=server.settings.nulls,
        doc_version=server.settings.doc_version,
        guessed_items=server.settings.guessed_items,
    )
    return ok(shaped, success=sampled)


def _expert_segment(server: Server, request: Request, org: int, params: dict[str, str]) -> Answer:
    return _segment(server, org, params, expert=True)


def _staff_segment(server: Server, request: Request, org: int, params: dict[str, str]) -> Answer:
    return _segment(server, org, params, expert=False)


def _spotlight(server: Server, request: Request, org: int, params: dict[str, str]) -> Answer:
    d = server.directory(org, count_request=False)
    s = d.spotlights.index_of(params["id"])
    if s is None:
        raise NotFound(f"no spotlight {params['id'][:40]!r} in organization {org}")
    return ok(
        {"spotlight": [spotlight_data(d.spotlights.record(s), server.settings.guessed_items)]}
    )


ORG = "/v2/organization/{org}"
ROUTES: tuple[Route, ...] = (
    Route(_path("/v2/oauth/token"), _token, ("POST",), auth=False),
    Route(_path("/oauth/token"), _token, ("POST",), auth=False),
    Route(_path(ORG + "/expert"), _experts),
    Route(_path(ORG + "/expert/{username}"), _expert),
    Route(_path(ORG + "/expert/{username}/{segment}"), _expert_segment),
    Route(_path(ORG + "/expert/{username}/{segment}/{id}"), _expert_segment),
    Route(_path(ORG + "/employee"), _staff),
    Route(_path(ORG + "/staff/{username}"), _staff_member),
    Route(_path(ORG + "/staff/{username}/{segment}"), _staff_segment),
    Route(_path(ORG + "/staff/{username}/{segment}/{id}"), _staff_segment),
    Route(_path("/v2/spotlight/{org}/search"), _spotlights),
    Route(_path("/v2/spotlight/{org}/{id}"), _spotlight),
)


def route(server: Server, request: Request, routes: tuple[Route, ...] = ROUTES) -> Answer:
    """Find the row of ``routes`` for ``request`` and answer it (or say why not: 404, 405,
    401, 403, 400). ``routes`` is another table for a server that serves a capture."""
    path = request.path
    for row in routes:
        match = row.pattern.fullmatch(path)
        if match is not None:
            break
    else:
        return server.failure(404, "not_found", f"no route for {request.method} {path[:200]}")
    if request.method not in row.methods:
        allowed = ", ".join(m for m in row.methods if m != "HEAD")
        return server.failure(
            405, "invalid_request", f"this endpoint answers {allowed} only", {"Allow": allowed}
        )
    params = {k: v for k, v in match.groupdict().items() if v is not None}
    org = 0
    if row.auth:
        scheme, _, token = request.environ.get("HTTP_AUTHORIZATION", "").partition(" ")
        granted = (
            server.tokens.verify(token.strip(), server.now())
            if scheme.lower() == "bearer" and token.strip()
            else "send Authorization: Bearer <accessToken>"
        )
        if isinstance(granted, str):
            return server.failure(
                401, "invalid_token", granted, {"WWW-Authenticate": bearer_challenge(granted)}
            )
        if params["org"] != str(granted):
            status = server.settings.foreign_org_status
            return server.failure(
                status,
                "forbidden" if status == 403 else "not_found",
                f"this token is for organization {granted}, not {params['org']}",
            )
        org = granted
    try:
        return row.handler(server, request, org, params)
    except BadRequest as exc:
        return server.failure(400, "invalid_request", str(exc))
    except NotFound as exc:
        return server.failure(404, "not_found", str(exc))
