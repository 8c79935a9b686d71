"""The write methods on the route table: :func:`with_writes` adds them to each row and
wraps its handler, so a read shows what the store holds.
"""

from __future__ import annotations

from dataclasses import replace
from typing import cast

from werkzeug.wrappers import Request

from fake_server._forms import WRITE_METHODS, _MethodNotAllowed
from fake_server._people import _StoreServer
from fake_server._routes import ROUTES, Handler, NotFound, Route, Server, _path
from fake_server._wsgi import Answer

__all__ = ["with_writes"]


#: return field (``fields=[…]``) → the account key a person write changes


_PERSON_ROWS = {
    "_expert": ("PUT", "DELETE"),
    "_staff_member": ("PUT", "DELETE"),
    "_expert_segment": ("POST", "PUT", "DELETE"),
    "_staff_segment": ("POST", "PUT", "DELETE"),
    "_experts": ("POST",),
}


def _wrap(kind: str, base: Handler) -> Handler:
    def handler(server: Server, request: Request, org: int, params: dict[str, str]) -> Answer:
        s = cast(_StoreServer, server)
        if request.method in WRITE_METHODS:
            if kind == "_experts":
                kind_ = "_create_person"
                params = params | {"noun": "expert"}
            else:
                kind_ = kind
            try:
                answer = s.store.write(server, request, org, params, kind_)
            except _MethodNotAllowed as exc:
                if s.settings.undocumented_write_status == 404:
                    raise NotFound(f"no such write: {exc}") from None
                return server.failure(405, "invalid_request", str(exc), {"Allow": exc.allow})
            after = s.after_write(request)
            return answer if after is None else after

        def read_base(whole: bool = False) -> Answer:
            return base(
                server,
                request,
                org,
                {k: v for k, v in params.items() if k != "id"} if whole else params,
            )

        return s.store.read(server, request, org, params, kind, read_base)

    handler.kind = kind  # type: ignore[attr-defined]  # read by _base_json
    handler.base = base  # type: ignore[attr-defined]  # read by _base_json
    handler.__name__ = base.__name__
    return handler


def _write_only(kind: str) -> Handler:
    def handler(server: Server, request: Request, org: int, params: dict[str, str]) -> Answer:
        s = cast(_StoreServer, server)
        answer = s.store.write(server, request, org, params, kind)
        after = s.after_write(request)
        return answer if after is None else after

    return handler


ORG = "/v2/organization/{org}"


def with_writes(routes: tuple[Route, ...]) -> tuple[Route, ...]:
    """``routes`` answering the documented writes too: the write methods added to the rows
    of the people and their sections, and rows for staff create and the inquiries."""
    out = []
    # the kind of each row, by its path (a capture's table has handlers of other names)
    kinds = {row.pattern.pattern: row.handler.__name__ for row in ROUTES}
    for row in routes:
        kind = kinds.get(row.pattern.pattern, row.handler.__name__)
        extra = _PERSON_ROWS.get(kind)
        if extra is None and kind != "_staff":
            out.append(row)
            continue
        out.append(
            replace(row, handler=_wrap(kind, row.handler), methods=row.methods + (extra or ()))
        )
    staff_create = _write_only("_create_person")
    out.append(
        Route(
            _path(ORG + "/staff"),
            lambda server, request, org, params: staff_create(
                server, request, org, params | {"noun": "staff"}
            ),
            ("POST",),
        )
    )
    out.append(Route(_path(ORG + "/inquiry/{kind}"), _write_only("_inquiry"), ("POST",)))
    return tuple(out)
