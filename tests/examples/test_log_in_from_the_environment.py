"""How to: log in from environment variables, as a scheduled (headless) run would."""

import expertfile_nb as ef
from fake_server import FakeExpertFile


def test_log_in_from_the_environment(expertfile_env: FakeExpertFile) -> None:
    # expertfile_env has set EXPERTFILE_BASE_URL, EXPERTFILE_CLIENT_ID, EXPERTFILE_CLIENT_SECRET
    token = ef.login()
    assert token.org_id == expertfile_env.org_id
    assert "***" in repr(token)  # the token itself never shows

    # a second login() costs no request: the token is kept for the session
    ef.login()
    assert expertfile_env.token_requests == 1

    status = ef.status()
    assert status.logged_in and status.source.startswith("environment")
