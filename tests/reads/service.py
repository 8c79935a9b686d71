"""A plain ``pytest_httpserver`` that answers like the documents, for the client's own tests.

Not ``fake_server``: the client must not depend on a habit of our fake. It serves
the documented token envelope, and a list endpoint over a Python list that a test
can page, cap, refuse or change between requests.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug.wrappers import Request, Response

import expertfile_nb as ef
from tests.contract import pages

SECRETS = (pages.SECRET, pages.ACCESS_TOKEN)


def page_body(list_key: str, rows: list[Any], total: int, **extra: Any) -> Response:
    body = {"data": {list_key: rows, "total": total, **extra}, "success": True}
    return Response(json.dumps(body), content_type="application/json")


class Listing:
    """A list endpoint over ``records``, paged by offset (the reading the client assumes)
    or, with ``by_page``, by page number.

    Attributes:
        records: what the service holds now; tests may change it in ``before``.
        total: the ``total`` to announce (``None``: the true count).
        before: called with (listing, page_from, page_size) before each answer, under a lock.
        max_page: larger ``page_size`` values are capped to this (``None``: no cap).
        by_page: read ``page_from`` as a page number (rows from ``page_from * page_size``)
            instead of a row offset.
        refuse_above: larger ``page_size`` values get a 400 naming page_size.
        served: (page_from, page_size) of every request, in arrival order.
    """

    def __init__(self, list_key: str, records: list[dict[str, Any]], **extra: Any) -> None:
        self.list_key = list_key
        self.records = records
        self.extra = extra
        self.total: int | None = None
        self.before: Callable[[Listing, int, int], None] | None = None
        self.max_page: int | None = None
        self.by_page = False
        self.refuse_above: int | None = None
        self.served: list[tuple[int, int]] = []
        self.lock = threading.Lock()

    def __call__(self, request: Request) -> Response:
        size = int(request.args.get("page_size", "10"))
        start = int(request.args.get("page_from", "0"))
        with self.lock:
            self.served.append((start, size))
            if self.refuse_above is not None and size > self.refuse_above:
                body = {
                    "success": False,
                    "error": "invalid_request",
                    "error_description": f"page_size must be at most {self.refuse_above}",
                }
                return Response(json.dumps(body), status=400, content_type="application/json")
            if self.before is not None:
                self.before(self, start, size)
            if self.max_page is not None:
                size = min(size, self.max_page)
            if self.by_page:
                start *= size
            rows = [dict(r) for r in self.records[start : start + size]]
            total = len(self.records) if self.total is None else self.total
        return page_body(self.list_key, rows, total, **self.extra)


class PlainService:
    """A running ``HTTPServer`` with the token endpoint; ``ef`` logged in to it."""

    def __init__(self) -> None:
        self.server = HTTPServer(host="127.0.0.1", threaded=True)

    def start(self) -> PlainService:
        self.server.start()
        return self

    def begin(self) -> PlainService:
        """Forget every route and request of the test before; serve the token; log in."""
        self.server.clear()
        self.server.expect_request("/v2/oauth/token", method="POST").respond_with_json(pages.TOKEN)
        ef.login(pages.CLIENT_ID, pages.SECRET, base_url=self.url)
        return self

    def stop(self) -> None:
        self.server.clear()
        if self.server.is_running():
            self.server.stop()

    @property
    def url(self) -> str:
        return self.server.url_for("").rstrip("/")

    def route(self, template: str, answer: Callable[[Request], Response] | Any) -> None:
        """Answer GET ``template`` (with ``{org}``) with a handler, or with JSON."""
        path = template.format(org=pages.ORG)
        expectation = self.server.expect_request(path, method="GET")
        if callable(answer):
            expectation.respond_with_handler(answer)
        else:
            expectation.respond_with_json(answer)

    def list_endpoint(self, template: str, listing: Listing) -> Listing:
        self.route(template, listing)
        return listing

    def data_queries(self) -> list[dict[str, str]]:
        """The query of every data GET received, in order."""
        return [
            dict(request.args.items())
            for request, _response in self.server.log
            if request.method == "GET"
        ]
