"""How to: call an endpoint the package has no function for, with the signed session."""

import pytest
import requests

import expertfile_nb as ef
from fake_server import FakeExpertFile


def test_any_endpoint_through_the_session(expertfile_env: FakeExpertFile) -> None:
    session = ef.get_session()  # logs in first if needed
    # relative paths join the base URL; the bearer token, timeouts and retries come with it
    response = session.get(f"/v2/organization/{session.org_id}/expert", params={"page_size": 3})
    page = response.json()
    assert page["success"] is True and len(page["data"]["experts"]) == 3


def test_errors_are_typed_and_still_http_errors(expertfile_env: FakeExpertFile) -> None:
    session = ef.get_session()
    # NotFoundError is an ef.ExpertFileError, and also a requests.HTTPError: existing
    # `except requests.HTTPError` code keeps working
    with pytest.raises(requests.HTTPError) as caught:
        session.get(f"/v2/organization/{session.org_id}/expert/no-such-person")
    assert isinstance(caught.value, ef.NotFoundError)
    assert caught.value.response is not None and caught.value.response.status_code == 404
