"""What ``check`` found: one :class:`Finding` a point, gathered in a :class:`CheckReport`.

A report holds only key names, JSON types, counts, statuses and verdicts — never a
token, a secret or a value from a record — so its JSON can be shared as it is.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from expertfile_nb._version import __version__

__all__ = ["CheckReport", "Finding", "Verdict"]

#: ``same``: as documented or assumed; ``differs``: not so; ``unknown``: could not be told
Verdict = Literal["same", "differs", "unknown"]


@dataclass(frozen=True)
class Finding:
    """One point probed.

    Attributes:
        point: what was probed, e.g. ``"meaning of page_from"``.
        source: ``"documented"`` (the API reference says so) or ``"assumed"`` (the fake's
            choice where the documents are silent).
        expected: what the documents say, or what the fake assumes.
        observed: what the service did (names, types, counts only).
        verdict: ``same``, ``differs`` or ``unknown``.
        setting: the fake server's setting this point bears on (``paging``, …), if any.
        value: the value of that setting that behaves as observed (``"page"``, ``"40"``),
            when the probe could tell.
    """

    point: str
    source: Literal["documented", "assumed"]
    expected: str
    observed: str
    verdict: Verdict
    setting: str | None = None
    value: str | None = None

    @property
    def reproduce(self) -> str:
        """How to make the fake behave as observed: both spellings, or what is unknown."""
        if not self.setting:
            return ""
        if self.value is None:
            return f"fake setting {self.setting}; no value of it was told apart"
        literal = self.value if self.value.isdigit() else json.dumps(self.value)
        option = "--" + self.setting.replace("_", "-")
        return (
            f"reproduce: FakeExpertFile({self.setting}={literal}) / "
            f"python -m fake_server {option} {self.value}"
        )


@dataclass
class CheckReport:
    """The outcome of ``ef.check()``: a table for a person, JSON to share, an exit status.

    Attributes:
        base_url: the service probed.
        findings: one line a point, in the order probed.
        requests: requests sent, the token request included.
        budget: the most requests the check was allowed.
    """

    base_url: str
    findings: list[Finding] = field(default_factory=list)
    requests: int = 0
    budget: int = 0

    @property
    def differences(self) -> list[Finding]:
        """The findings whose verdict is ``differs``."""
        return [f for f in self.findings if f.verdict == "differs"]

    @property
    def ok(self) -> bool:
        """Whether nothing differs from what the fake server assumes."""
        return not self.differences

    @property
    def exit_status(self) -> int:
        """0 when nothing differs, 1 otherwise (the command line's status)."""
        return 0 if self.ok else 1

    def to_json(self) -> dict[str, Any]:
        """The report as JSON-ready data (names, types, counts and verdicts only)."""
        return {
            "tool": f"expertfile-nb {__version__} check",
            "base_url": self.base_url,
            "requests": self.requests,
            "budget": self.budget,
            "differences": [f.point for f in self.differences],
            "findings": [asdict(f) for f in self.findings],
        }

    def dumps(self) -> str:
        """The JSON text (indented)."""
        return json.dumps(self.to_json(), indent=2) + "\n"

    def table(self) -> str:
        """A plain-text table: point | documented or assumed | observed | verdict."""
        head = ("point", "documented or assumed", "observed", "verdict")
        rows = [head] + [
            (f.point, f"{f.source}: {f.expected}", f.observed, f.verdict.upper())
            for f in self.findings
        ]
        widths = [
            min(max(len(r[i]) for r in rows), limit) for i, limit in enumerate((34, 48, 48, 7))
        ]

        def cut(text: str, width: int) -> str:
            return text if len(text) <= width else text[: width - 1] + "…"

        lines = [
            " | ".join(cut(c, w).ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows
        ]
        lines.insert(1, "-+-".join("-" * w for w in widths))
        if self.ok:
            summary = "No difference from what the fake server assumes."
        else:
            summary = f"{len(self.differences)} difference(s): " + "; ".join(
                f.point + (f" ({f.reproduce})" if f.setting else "") for f in self.differences
            )
        return "\n".join(
            [
                f"ExpertFile check of {self.base_url}: {self.requests} of {self.budget} requests",
                *lines,
                summary,
            ]
        )

    def __str__(self) -> str:
        return self.table()

    def __repr__(self) -> str:  # the REPL and the notebook show the table
        return self.table()
