"""The probes of ``check``: each asks the service one thing and adds a :class:`Finding`.

What is compared: the documented shapes (``_endpoints``: item keys and their JSON
types; the token envelope of the vendor's page), and where the documents are
silent, ``ASSUMED``: the fake server's default settings (a test holds them to
``fake_server.ASSUMPTIONS``). What is kept of an answer: key names, JSON types,
counts and statuses, never a value.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import Any, Literal

from expertfile_nb._auth.token import parse_timestamp
from expertfile_nb._checks.prober import Probe, Seen, json_type, shape_of
from expertfile_nb._checks.report import CheckReport, Finding, Verdict
from expertfile_nb._reads.endpoints import (
    EXPERT_PROFILE,
    EXPERTS,
    SPOTLIGHT_PATH,
    UTC_SECONDS,
    ListEndpoint,
)
from expertfile_nb._reads.records import _segment
from expertfile_nb._redact import scrub
from expertfile_nb.errors import ConfigurationError

__all__ = ["ASSUMED", "Probes", "compare_shape", "documented_shape", "token_envelope"]

#: what the fake server assumes where the documents are silent (its default settings)
ASSUMED: Mapping[str, Any] = {
    "paging": "offset",
    "max_page_size": 100,
    "oversize_pages": "cap",
    "error_body": "error",
    "array_params": "json",
    "fields_mode": "add",
}

TOKEN_ENVELOPE = {
    "success": "boolean",
    "data.accessToken": "string",
    "data.accessTokenExpiresAt": "string",
    "data.client": "string",
    "data.user": "integer",
    "data.scope": "boolean",
}
ISO_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")
FAILURE_KEYS = {
    "error": {"success": "boolean", "error": "string", "error_description": "string"},
    "message": {"success": "boolean", "message": "string"},
}
_DTYPE_TO_JSON = {"string": "string", "Int64": "integer", UTC_SECONDS: "integer", "object": "array"}
_DATA_KEYS = {
    "experts": {"experts", "total", "aggregations"},
    "staff": {"staff", "total"},
    "spotlights": {"spotlights", "total", "aggregations"},
}
_PROBE_FIELDS = ("fullname", "jobtitle")


def documented_shape(endpoint: ListEndpoint) -> dict[str, str]:
    """The documented item keys of a list endpoint, flattened, with their JSON types."""
    return {key: _DTYPE_TO_JSON[dtype] for key, dtype in endpoint.columns.items()}


def compare_shape(
    expected: Mapping[str, str], seen: Sequence[Mapping[str, str]]
) -> tuple[str, bool]:
    """How item shapes differ from the expected one: ``(text, same)``; ``null`` fits any type."""
    missing: set[str] = set()
    extra: set[str] = set()
    types: set[str] = set()
    for shape in seen:
        missing |= set(expected) - set(shape)
        extra |= set(shape) - set(expected)
        types |= {
            f"{k} {t} (not {expected[k]})"
            for k, t in shape.items()
            if k in expected and t not in (expected[k], "null")
        }
    parts = [
        f"{label}: {', '.join(sorted(names))}"
        for label, names in (("missing", missing), ("extra", extra), ("types", types))
        if names
    ]
    same = not parts
    return (f"{len(expected)} keys as documented" if same else "; ".join(parts)), same


def _verdict(same: bool | None) -> Verdict:
    return "unknown" if same is None else "same" if same else "differs"


class Probes:
    """The probes, in order; each adds its findings to the report."""

    def __init__(self, probe: Probe, org: int, token: str, report: CheckReport) -> None:
        self.probe, self.org, self.token, self.report = probe, org, token, report
        self.first_page: list[Any] = []
        self.total = 0

    def add(
        self,
        point: str,
        source: Literal["documented", "assumed"],
        expected: str,
        observed: str,
        same: bool | None,
        setting: str | None = None,
        value: object = None,
    ) -> None:
        """One finding; ``value``: the ``setting``'s value that behaves as observed.

        The service names the keys and headers a finding lists: a name that holds the
        secret or the token (in any form) is masked, as in every message.
        """
        told = None if value is None else self.clean(str(value))
        self.report.findings.append(
            Finding(point, source, expected, self.clean(observed), _verdict(same), setting, told)
        )

    def clean(self, text: str) -> str:
        """``text`` with every form of the secret and the token masked."""
        return scrub(text, *self.probe.hidden, self.token)

    def profile_path(self, path: str, username: object) -> str | None:
        """``path`` for a username the service listed, percent-encoded; ``None`` when it
        is no usable username (not a string or a number, empty, a dot segment)."""
        try:
            return path.replace("{username}", _segment("username", username))
        except ConfigurationError:
            return None

    def get(self, path: str, **params: str) -> Seen:
        return self.probe.get(path.format(org=self.org), params, token=self.token)

    def items(self, seen: Seen, key: str) -> list[Any] | None:
        data = seen.body.get("data") if isinstance(seen.body, dict) else None
        value = data.get(key) if isinstance(data, dict) else None
        return value if seen.status == 200 and isinstance(value, list) else None

    # -- lists ---------------------------------------------------------------------
    def list_shape(self, endpoint: ListEndpoint, size: int) -> list[Any] | None:
        seen = self.get(endpoint.path, page_size=str(size), page_from="0")
        rows = self.items(seen, endpoint.list_key)
        point = f"{endpoint.noun} list: item keys and types"
        if rows is None:
            self.add(
                point,
                "documented",
                "200 with data." + endpoint.list_key,
                f"HTTP {seen.status}",
                False,
            )
            return None
        data = seen.body["data"]
        keys_same = set(data) == _DATA_KEYS[endpoint.noun]
        text, same = compare_shape(documented_shape(endpoint), [shape_of(r) for r in rows])
        keys = ", ".join(sorted(data))
        self.add(
            point,
            "documented",
            f"data keys {', '.join(sorted(_DATA_KEYS[endpoint.noun]))}; documented item keys",
            f"data keys {keys}; {len(rows)} items: {text}",
            same and keys_same,
        )
        if endpoint is EXPERTS:
            self.total = data.get("total") if isinstance(data.get("total"), int) else len(rows)
        return rows

    def page_from(self) -> None:
        point, expected = "meaning of page_from", "a row offset (page_from=1 starts at row 2)"
        names = [r.get("username") for r in self.first_page if isinstance(r, dict)]
        if len(names) < 4:
            self.add(point, "assumed", expected, "too few experts to tell", None, "paging")
            return
        rows = self.items(self.get(EXPERTS.path, page_size="2", page_from="1"), "experts") or []
        got = [r.get("username") for r in rows if isinstance(r, dict)]
        meaning = "offset" if got == names[1:3] else "page" if got == names[2:4] else None
        observed = {"offset": "a row offset", "page": "a page number", None: "neither"}[meaning]
        self.add(
            point,
            "assumed",
            expected,
            observed,
            None if meaning is None else meaning == ASSUMED["paging"],
            "paging",
            meaning,
        )

    def _fits(self, size: int) -> tuple[bool | None, int]:
        """Whether a page of ``size`` came back whole (``None``: refused), and its row count."""
        seen = self.get(EXPERTS.path, page_size=str(size), page_from="0")
        rows = self.items(seen, "experts")
        if rows is None:
            return None, seen.status
        return len(rows) >= min(size, self.total), len(rows)

    def page_size(self) -> None:
        """The largest page honoured: one large request, then a bounded search if refused."""
        limit, big = int(ASSUMED["max_page_size"]), 1000
        whole, count = self._fits(big)
        lo, hi = 0, big  # lo: largest seen served whole; hi: smallest seen not
        oversize = None
        if whole is None and 400 <= count < 500:
            oversize = "refuse"
            for size in (limit, limit + 1):
                fits, _ = self._fits(size)
                lo, hi = (size, hi) if fits else (lo, size)
                if not fits:
                    break
            while hi - lo > 1 and self.probe.sent < self.probe.budget:
                mid = (lo + hi) // 2
                fits, _ = self._fits(mid)
                lo, hi = (mid, hi) if fits else (lo, mid)
        elif whole is False:
            oversize, lo, hi = "cap", count, count + 1
        elif whole:
            lo = count
        same: bool | None
        largest = None
        if whole and oversize is None:
            observed, same = (
                f"at least {lo} rows (every row came back)",
                False if lo > limit else None,
            )
        elif oversize and hi - lo == 1 and lo > 0:
            observed, same, largest = f"{lo} rows", lo == limit, lo
        elif oversize:
            observed, same = f"between {lo} and {hi - 1} rows", None if lo <= limit < hi else False
        else:
            observed, same = "not found", None
        self.add(
            "largest page_size", "assumed", f"{limit} rows", observed, same, "max_page_size",
            largest,
        )  # fmt: skip
        how = {"cap": "capped silently", "refuse": "refused (HTTP 4xx)", None: "not seen"}
        assumed = ASSUMED["oversize_pages"]
        self.add(
            "a page_size over the largest", "assumed", how[assumed], how[oversize],
            None if oversize is None else oversize == assumed, "oversize_pages", oversize,
        )  # fmt: skip

    def fields(self) -> None:
        json_text = '["' + '","'.join(_PROBE_FIELDS) + '"]'
        answers: dict[str, set[str] | None] = {}
        for form, value in (("json", json_text), ("comma", ",".join(_PROBE_FIELDS))):
            rows = self.items(self.get(EXPERTS.path, page_size="2", fields=value), "experts")
            keys: set[str] = set()
            for row in rows or []:
                keys |= set(row) if isinstance(row, dict) else set()
            answers[form] = keys if set(_PROBE_FIELDS) <= keys else None
        took = [form for form, got in answers.items() if got is not None]
        observed = {0: "neither form", 1: f"{took[0]} only" if took else "", 2: "both forms"}[
            len(took)
        ]
        same = None if not took else ASSUMED["array_params"] in took
        expected = f"{ASSUMED['array_params']} (fields={json_text})"
        self.add(
            "how array parameters travel", "assumed", expected, observed, same, "array_params",
            took[0] if len(took) == 1 else None,
        )  # fmt: skip
        sent = answers[took[0]] if took else None
        mode = None if sent is None else "only" if sent == set(_PROBE_FIELDS) else "add"
        text = {
            "add": "the default keys plus the names asked for",
            "only": "only the names asked for",
        }
        assumed = ASSUMED["fields_mode"]
        self.add(
            "keys of list items with fields=[…]", "assumed", text[assumed],
            text[mode] if mode else "not seen", None if mode is None else mode == assumed,
            "fields_mode", mode,
        )  # fmt: skip

    # -- single reads ------------------------------------------------------------
    def profile(self, noun: str, path: str, username: object) -> None:
        point = f"{noun} profile: data is sections → lists"
        if username is None:
            self.add(point, "documented", "an object of arrays", "no record to read", None)
            return
        where = self.profile_path(path, username)
        if where is None:
            no_name = f"no usable username (a JSON {json_type(username)})"
            self.add(point, "documented", "an object of arrays", no_name, False)
            return
        seen = self.get(where)
        data = seen.body.get("data") if isinstance(seen.body, dict) and seen.status == 200 else None
        if not isinstance(data, dict):
            self.add(
                point,
                "documented",
                "an object of arrays",
                f"HTTP {seen.status}, data {json_type(data)}",
                False,
            )
            return
        odd = sorted(k for k, v in data.items() if not isinstance(v, list))
        observed = f"{len(data)} sections" + (f"; not arrays: {', '.join(odd)}" if odd else "")
        self.add(point, "documented", "an object of arrays", observed, not odd)

    def section(self, username: object) -> None:
        point, expected = "expert profile section (biography)", "data is an array"
        where = self.profile_path(EXPERT_PROFILE.path, username)
        if where is None:
            self.add(point, "documented", expected, "no record to read", None)
            return
        seen = self.get(where + "/biography")
        data = seen.body.get("data") if isinstance(seen.body, dict) else None
        self.add(
            point,
            "documented",
            expected,
            f"HTTP {seen.status}, data {json_type(data)}",
            isinstance(data, list),
        )

    def spotlight(self, spotlight_id: object) -> None:
        point, expected = "one spotlight", "data.spotlight is a one-element array of an object"
        if spotlight_id is None:
            self.add(point, "documented", expected, "no record to read", None)
            return
        where = self.profile_path(SPOTLIGHT_PATH.replace("{id}", "{username}"), spotlight_id)
        if where is None:
            self.add(point, "documented", expected, "no usable spotlight id", False)
            return
        seen = self.get(where)
        rows = self.items(seen, "spotlight")
        if rows is None:
            self.add(point, "documented", expected, f"HTTP {seen.status}", False)
            return
        one = len(rows) == 1 and isinstance(rows[0], dict)
        keys = f"; {len(rows[0])} keys" if one else ""
        self.add(point, "documented", expected, f"{len(rows)} element(s){keys}", one)

    # -- errors ----------------------------------------------------------------
    def errors(self) -> None:
        bogus = "expertfile-nb-check-" + secrets.token_hex(8)
        bad = self.probe.get(EXPERTS.path.format(org=self.org), {"page_size": "1"}, token=bogus)
        missing = self.get(EXPERT_PROFILE.path.replace("{username}", bogus))
        self.add(
            "status for an invalid token", "assumed", "401", str(bad.status), bad.status == 401
        )
        scheme = (bad.www_authenticate or "").split(" ", 1)[0]
        self.add(
            "WWW-Authenticate on a 401",
            "assumed",
            "Bearer",
            scheme or "(none)",
            scheme.lower() == "bearer",
        )
        self.add(
            "status for an unknown username",
            "assumed",
            "404",
            str(missing.status),
            missing.status == 404,
        )
        expected = FAILURE_KEYS[ASSUMED["error_body"]]
        shapes = [shape_of(s.body) for s in (bad, missing)]
        text, same = compare_shape(expected, shapes)
        observed = "; ".join(sorted({", ".join(sorted(s)) or "(no JSON object)" for s in shapes}))
        body = next((k for k, keys in FAILURE_KEYS.items() if compare_shape(keys, shapes)[1]), None)
        self.add(
            "failure envelope", "assumed", ", ".join(sorted(expected)),
            observed if same else f"{observed} ({text})", same, "error_body", body,
        )  # fmt: skip

    def rate_limits(self) -> None:
        names = sorted(self.probe.rate_limit_headers)
        self.add(
            "rate-limit headers",
            "assumed",
            "none (not documented)",
            ", ".join(names) or "none",
            not names,
        )


def token_envelope(check: Probes, seen: Seen) -> None:
    """Findings on the token answer (keys, types, expiry format and lifetime)."""
    text, same = compare_shape(TOKEN_ENVELOPE, [shape_of(seen.body)])
    check.add(
        "token envelope: keys and types",
        "documented",
        "success, data.{accessToken, accessTokenExpiresAt, client, user, scope}",
        text,
        same,
    )
    data = seen.body.get("data") if isinstance(seen.body, dict) else None
    expiry = data.get("accessTokenExpiresAt") if isinstance(data, dict) else None
    iso = isinstance(expiry, str) and ISO_UTC.fullmatch(expiry) is not None
    check.add(
        "token expiry format",
        "documented",
        "ISO-8601 UTC (2024-06-24T16:10:43.457Z)",
        "ISO-8601 UTC" if iso else f"a {json_type(expiry)} in another form",
        iso,
    )
    days: float | None = None
    if iso:
        assert isinstance(expiry, str)  # noqa: S101 -- iso implies a string
        try:
            moment = parse_timestamp(expiry)
        except ValueError:
            moment = None
        if moment is not None:
            days = (moment - datetime.now(timezone.utc)).total_seconds() / 86400
    check.add(
        "token lifetime",
        "documented",
        "30 days",
        "unknown" if days is None else f"{days:.1f} days",
        None if days is None else abs(days - 30) < 1,
    )
