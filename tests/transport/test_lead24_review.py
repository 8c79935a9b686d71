"""Review lead24: a write that reached the service is never reported as "nothing was sent".

``NotConnectedError`` tells a caller that no connection was ever opened, so a write did not
happen and may be sent again without reading the record first. A call that got an answer
and then followed a redirect to where no connection opens did reach the service: the
service may have carried the write out (a 303 after a POST is how a web service says "done,
see there"), so the failure must stay a plain ``NetworkError`` (the write is re-read).
Served for real by a plain ``pytest_httpserver``; the redirect's target is a closed port.
"""

from __future__ import annotations

import socket
import threading
import warnings

import pytest
from pytest_httpserver import HTTPServer
from urllib3.util.retry import Retry

import expertfile_nb as ef
from expertfile_nb._auth.session import ExpertFileSession


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_write_answered_with_a_redirect_to_nowhere_is_not_said_unsent(
    httpserver: HTTPServer, status: int
) -> None:
    path = "/v2/organization/1/expert/ada"
    target = f"http://127.0.0.1:{closed_port()}{path}"
    httpserver.expect_request(path, method="PUT").respond_with_data(
        "", status=status, headers={"Location": target}
    )
    session = ExpertFileSession(httpserver.url_for("").rstrip("/"), retries=0, deadline=10)
    with pytest.raises(ef.NetworkError) as caught:
        session.request("PUT", path, data={"job_title": "Dean"})
    assert len(httpserver.log) == 1  # the write reached the service
    assert not isinstance(caught.value, ef.NotConnectedError), caught.value
    assert "nothing was sent" not in str(caught.value)


def test_a_write_to_a_closed_port_still_says_nothing_was_sent() -> None:
    session = ExpertFileSession(f"http://127.0.0.1:{closed_port()}", retries=0, deadline=10)
    with pytest.raises(ef.NotConnectedError, match="nothing was sent"):
        session.request("PUT", "/v2/organization/1/expert/ada", data={"job_title": "Dean"})


@pytest.mark.parametrize("methods", [["PUT"], ["POST", "DELETE"], []])
def test_a_policy_that_names_only_writes_resends_none(
    httpserver: HTTPServer, methods: list[str]
) -> None:
    """urllib3 reads an empty ``allowed_methods`` as "any method": a policy whose methods
    are all writes (taken out: they are never resent) must not become one that resends all."""
    path = "/v2/organization/1/expert/ada"
    httpserver.expect_request(path, method="PUT").respond_with_data("", status=503)
    with warnings.catch_warnings():  # urllib3 2 warns of an empty set (its "any method")
        warnings.simplefilter("ignore", FutureWarning)
        policy = Retry(total=3, status_forcelist=[503], backoff_factor=0, allowed_methods=methods)
    session = ExpertFileSession(httpserver.url_for("").rstrip("/"), retries=policy, deadline=10)
    with pytest.raises(ef.APIError) as caught:
        session.request("PUT", path, data={"job_title": "Dean"})
    assert caught.value.status == 503
    assert len(httpserver.log) == 1  # sent once, never resent by the retry policy


@pytest.mark.parametrize(("methods", "sent"), [(["PUT"], 1), (["GET", "PUT"], 3), ([], 3)])
def test_a_read_is_retried_as_the_policy_names_it(
    httpserver: HTTPServer, methods: list[str], sent: int
) -> None:
    """A GET is retried only if the policy names it, or names any method (``[]``, urllib3 2's
    deprecated "any")."""
    path = "/v2/organization/1/expert/ada"
    httpserver.expect_request(path, method="GET").respond_with_data("", status=503)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        policy = Retry(
            total=2,
            status_forcelist=[503],
            backoff_factor=0,
            allowed_methods=methods,
            raise_on_status=False,
        )
    session = ExpertFileSession(httpserver.url_for("").rstrip("/"), retries=policy, deadline=10)
    with pytest.raises(ef.APIError):
        session.request("GET", path)
    assert len(httpserver.log) == sent


def test_a_write_whose_connection_broke_after_sending_is_not_said_unsent() -> None:
    """The connection opened, the write went out, the service closed it without answering:
    it may have been carried out, so a plain ``NetworkError`` (a write is re-read), never
    "nothing was sent"."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = int(listener.getsockname()[1])
    received: list[bytes] = []

    def take_and_close() -> None:
        connection, _ = listener.accept()
        with connection:
            received.append(connection.recv(65536))  # the request, then no answer

    thread = threading.Thread(target=take_and_close, daemon=True)
    thread.start()
    try:
        session = ExpertFileSession(f"http://127.0.0.1:{port}", retries=0, deadline=10)
        with pytest.raises(ef.NetworkError) as caught:
            session.request("PUT", "/v2/organization/1/expert/ada", data={"job_title": "Dean"})
    finally:
        thread.join(10)
        listener.close()
    assert received and received[0].startswith(b"PUT ")  # it was sent
    assert not isinstance(caught.value, ef.NotConnectedError), caught.value
    assert "nothing was sent" not in str(caught.value)
