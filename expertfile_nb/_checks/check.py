"""``ef.check()``: a short, read-only probe of the live service against the fake's assumptions.

With the user's own credentials (the normal login chain), it sends at most
``budget`` requests (the token request included), paced, and never a write. For
each point the API reference documents, or where the fake server makes a choice
because the documents are silent (``ASSUMED``, the fake's defaults), it
records what the service did — key names, JSON types, counts, statuses — and a
verdict. The report never holds a token, a secret or a value from a record.
"""

from __future__ import annotations

from typing import Any

from expertfile_nb._auth import credentials as _credentials
from expertfile_nb._auth.credentials import Credentials
from expertfile_nb._auth.login import HOW_TO_LOG_IN
from expertfile_nb._auth.state import STATE
from expertfile_nb._auth.token import parse_token_response
from expertfile_nb._checks.prober import DEFAULT_TIME_LIMIT, BudgetSpent, Probe, TimeSpent
from expertfile_nb._checks.probes import ASSUMED, Probes, token_envelope
from expertfile_nb._checks.report import CheckReport
from expertfile_nb._http.config import resolve_base_url
from expertfile_nb._reads.endpoints import EXPERT_PROFILE, EXPERTS, SPOTLIGHTS, STAFF, STAFF_PROFILE
from expertfile_nb.errors import ConfigurationError, DeadlineExceededError, NotLoggedInError

__all__ = [
    "ASSUMED",
    "DEFAULT_BUDGET",
    "DEFAULT_TIME_LIMIT",
    "MIN_BUDGET",
    "check",
    "probe_service",
]

DEFAULT_BUDGET = 30
#: the requests every point needs once (the page-size search uses what is left)
MIN_BUDGET = 16


def _credentials_for(
    url: str, client_id: str | None, client_secret: str | None
) -> tuple[Credentials | str | None, str]:
    """Credentials to probe the token endpoint with, or a prepared token (string), and the
    service to probe: ``url``, or the base URL of the profile the chain took them from."""
    if client_id or client_secret:
        if not (client_id and client_secret):
            raise ConfigurationError("Pass both client_id and client_secret, or neither.")
        return Credentials(client_id, client_secret), url
    current = STATE.current
    if current is not None and current.provider.base_url == url:
        if current.provider.credentials is not None:
            return current.provider.credentials, url
        if current.provider.token is not None:
            return current.provider.token.access_token, url
    found = _credentials.find(url)
    if found is None:
        return None, url
    url = found.base_url or url  # a profile's own service (--profile)
    if found.credentials is not None:
        return found.credentials, url
    return (found.token.access_token if found.token is not None else None), url


def check(
    *,
    base_url: str | None = None,
    client_id: str | None = None,
    client_secret: str | None = None,
    budget: int = DEFAULT_BUDGET,
    pace: float | None = None,
    deadline: float = DEFAULT_TIME_LIMIT,
) -> CheckReport:
    """Probe the live service, read-only, and compare it with what the fake server assumes.

    Args:
        base_url: the service (default: ``EXPERTFILE_BASE_URL`` or the public API).
        client_id: with ``client_secret``, the credentials (default: the login in use,
            else the environment, Colab secrets, a prepared or remembered token).
        client_secret: see ``client_id``.
        budget: the most requests sent, the token request included (at least 16).
        pace: seconds between requests (default 0.2 s; none against this machine).
        deadline: seconds for the whole check, pauses included (default 60); a request
            still running then is cut short, and the points left are reported as not
            probed.

    Returns:
        The report: ``print()`` it for a table, ``.to_json()`` to share (no token,
        secret or record value in it), ``.ok`` and ``.differences``.

    Raises:
        NotLoggedInError: no credentials anywhere.
        AuthenticationError: the credentials were refused.
        ConfigurationError: a budget under 16, a deadline that is not a positive number
            of seconds, or half a pair of credentials.
        NetworkError: the service could not be reached.
        DeadlineExceededError: no token answer within the deadline.
    """
    _validate(budget, deadline)
    url = resolve_base_url(base_url)
    found, url = _credentials_for(url, client_id, client_secret)
    if found is None:
        raise NotLoggedInError(HOW_TO_LOG_IN)
    org: int | None = None
    if not isinstance(found, Credentials):
        current = STATE.current
        if current is not None and current.provider.base_url == url and current.provider.token:
            org = current.provider.token.org_id
        else:
            prepared = _credentials.prepared_token()
            org = prepared.org_id if prepared else 0
    return probe_service(url, found, org, budget=budget, pace=pace, deadline=deadline)


def _validate(budget: object, deadline: object) -> None:
    if isinstance(budget, bool) or not isinstance(budget, int) or budget < MIN_BUDGET:
        raise ConfigurationError(
            f"budget must be a whole number of at least {MIN_BUDGET} requests."
        )
    if (
        isinstance(deadline, bool)
        or not isinstance(deadline, (int, float))
        or not 0 < deadline <= 24 * 3600
    ):
        raise ConfigurationError("deadline must be a number of seconds, more than 0.")


def probe_service(
    url: str,
    found: Credentials | str,
    org: int | None,
    *,
    budget: int = DEFAULT_BUDGET,
    pace: float | None = None,
    deadline: float = DEFAULT_TIME_LIMIT,
) -> CheckReport:
    """:func:`check` of the service at ``url``, with credentials or a token (``found``) of
    the organization ``org`` (``None`` with credentials: the token answer says): what
    ``ef.Client.check`` calls with its own login, so no other login's state is read."""
    _validate(budget, deadline)
    probe = Probe(url, budget, pace, deadline=float(deadline))
    report = CheckReport(url, budget=budget)
    try:
        if isinstance(found, Credentials):
            try:
                seen, raw = probe.token(found.client_id, found.client_secret)
            except TimeSpent:
                raise DeadlineExceededError(
                    f"check: no token answer within the check's {deadline:g} s; try again "
                    "later, or give it more time (deadline=, --deadline).",
                    deadline=float(deadline),
                ) from None
            token = parse_token_response(seen.status, raw, found)
            probe.hidden.append(token.access_token)
            run = Probes(probe, token.org_id, token.access_token, report)
            token_envelope(run, seen)
        else:
            probe.hidden.append(found)
            run = Probes(probe, org or 0, found, report)
            run.add(
                "token envelope: keys and types",
                "documented",
                "(a token request)",
                "not probed: logged in with a token, not credentials",
                None,
            )
        _run(run)
    finally:
        report.requests = probe.sent
        probe.close()
    return report


def _first(rows: list[Any] | None, key: str) -> Any:
    """``rows[0][key]``, or ``None`` when there is no such thing."""
    return rows[0].get(key) if rows and isinstance(rows[0], dict) else None


def _run(run: Probes) -> None:
    """Every probe, cheapest and most telling first; the page-size search takes what is left."""
    try:
        run.first_page = run.list_shape(EXPERTS, 4) or []
        staff = run.list_shape(STAFF, 2)
        spotlights = run.list_shape(SPOTLIGHTS, 2)
        run.page_from()
        run.fields()
        run.errors()
        expert = _first(run.first_page, "username")
        run.profile("expert", EXPERT_PROFILE.path, expert)
        run.section(expert)
        run.profile("staff member", STAFF_PROFILE.path, _first(staff, "username"))
        run.spotlight(_first(spotlights, "id"))
        run.page_size()
    except TimeSpent:
        run.add(
            "time limit",
            "documented",
            f"{run.probe.deadline:g} s",
            "reached before every point was probed",
            None,
        )
    except BudgetSpent:
        run.add(
            "budget",
            "documented",
            f"{run.probe.budget} requests",
            "spent before every point was probed",
            None,
        )
    run.rate_limits()
