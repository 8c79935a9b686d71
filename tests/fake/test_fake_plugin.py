"""Anyone who installs the package gets the fixtures in their own tests (pytest11 entry point)."""

from __future__ import annotations

import pytest

EXAMPLE = """
import requests

def test_token(expertfile_server):
    r = requests.post(expertfile_server.token_url, data={
        "client_id": expertfile_server.client_id,
        "client_secret": expertfile_server.client_secret,
        "grant_type": "client_credentials"}, timeout=10)
    assert r.json()["data"]["user"] == expertfile_server.org_id
    assert expertfile_server.token_requests == 1
    expertfile_server.latency = 0.1  # this test's settings, not the next one's
    expertfile_server.configure(paging="page", experts=7)

def test_reset_between_tests(expertfile_server):
    from fake_server import Settings
    assert expertfile_server.token_requests == 0
    assert expertfile_server.settings == Settings()

def test_env(expertfile_env):
    import os
    assert os.environ["EXPERTFILE_BASE_URL"] == expertfile_env.url
    assert os.environ["EXPERTFILE_CLIENT_SECRET"] == expertfile_env.client_secret

def test_handler_error_fails_the_test(expertfile_server):
    def broken(request):
        raise RuntimeError("handler bug")
    expertfile_server.expect_request("/broken").respond_with_handler(broken)
    requests.get(expertfile_server.url + "/broken", timeout=10)
"""


def test_fixtures_in_a_fresh_project(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_example=EXAMPLE)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    # the broken-handler test itself passes; its teardown reports the handler error
    result.assert_outcomes(passed=4, errors=1)
    result.stdout.fnmatch_lines(["*RuntimeError: handler bug*"])
