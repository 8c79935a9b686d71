"""get_experts / iter_experts against the fake server: volume, paging, faults, memory.

Shapes are held to the documents elsewhere (tests/contract, tests/pull, on a plain
server); here the fake serves thousands of records and the faults it can inject.
"""

from __future__ import annotations

import json
import logging
import tracemalloc
from typing import Any

import pytest
import requests

import expertfile_nb as ef
from fake_server import FakeExpertFile

EVERYONE: dict[str, Any] = {"access": "all", "status": "all"}


def server_total(server: FakeExpertFile, **params: str) -> int:
    token = server.issued_tokens[-1]
    response = requests.get(
        f"{server.url}/v2/organization/{server.org_id}/expert",
        params={"page_size": 1, **params},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    total: int = response.json()["data"]["total"]
    return total


def data_gets(server: FakeExpertFile) -> list[Any]:
    return [e for e in server.journal if e.method == "GET"]


def test_2345_experts_into_2345_unique_rows(expertfile_env: FakeExpertFile) -> None:
    expertfile_env.experts = 2345
    frame = ef.get_experts(**EVERYONE)
    assert len(frame) == 2345
    assert frame["username"].is_unique
    assert frame["corporation"].notna().all()


DOCUMENTED = ["username", "corporation", "topics", "tagline"]  # then avatar.small …


def test_frame_shape(expertfile_env: FakeExpertFile) -> None:
    # Documented change (issue 11): the frame no longer makes up the undocumented columns
    # firstname … access; the documented ones come first, with fixed dtypes.
    frame = ef.get_experts(limit=20)
    assert "avatar.original" in frame.columns and "avatar" not in frame.columns
    assert all(isinstance(t, list) and all(isinstance(x, str) for x in t) for t in frame["topics"])
    assert str(frame["username"].dtype) == "string"
    assert list(frame.columns[:4]) == DOCUMENTED


def test_empty_result_keeps_columns_and_dtypes(expertfile_env: FakeExpertFile) -> None:
    full = ef.get_experts(limit=5)
    empty = ef.get_experts(q="no-such-expert-anywhere")
    assert len(empty) == 0
    # the documented columns, with their dtypes; nothing the service did not send
    assert list(empty.columns) == list(full.columns[: len(empty.columns)])
    assert list(empty.columns[:4]) == DOCUMENTED and len(empty.columns) == 8
    assert set(empty.dtypes.astype(str)) == {"string", "object"}
    assert str(empty["topics"].dtype) == "object"


@pytest.mark.parametrize(
    ("kwargs", "params"),
    [
        ({"countries": ["CA", "US"]}, {"countries": '["CA","US"]'}),
        ({"topics": "Genomics"}, {"topics": '["Genomics"]'}),
        ({"q": "professor"}, {"q": "professor"}),
        (
            {"industries": ["Education"], "status": "all"},
            {"industries": '["Education"]', "status": "all"},
        ),
    ],
)
def test_filters_narrow_exactly_as_the_server_counts(
    expertfile_env: FakeExpertFile, kwargs: dict[str, Any], params: dict[str, str]
) -> None:
    expertfile_env.experts = 1200
    frame = ef.get_experts(**kwargs)
    expected = server_total(expertfile_env, **params)
    assert 0 < len(frame) == expected < 1200
    sent = data_gets(expertfile_env)[0].query
    for name, value in params.items():
        assert sent[name] == value  # arrays go out as the API reference writes them


def test_limit_fetches_no_more_pages_than_needed(expertfile_env: FakeExpertFile) -> None:
    expertfile_env.experts = 2000
    frame = ef.get_experts(limit=150, **EVERYONE)
    assert len(frame) == 150
    offsets = [int(e.query["page_from"]) for e in data_gets(expertfile_env)]
    # first page, the paging probe, one more page (starting on the first page's last row)
    assert sorted(offsets) == [0, 1, 99]
    expertfile_env.reset()
    assert len(ef.get_experts(limit=7)) == 7
    assert [e.query["page_size"] for e in data_gets(expertfile_env) if e.status == 200] == ["7"]


def test_page_number_paging_is_detected_and_followed(expertfile_env: FakeExpertFile) -> None:
    expertfile_env.experts = 2345
    expertfile_env.paging = "page"
    frame = ef.get_experts(**EVERYONE)
    assert len(frame) == 2345 and frame["username"].is_unique
    expertfile_env.paging = "offset"
    reference = ef.get_experts(**EVERYONE)
    assert frame["username"].tolist() == reference["username"].tolist()


@pytest.mark.parametrize("page_size", [2, 3])
def test_page_number_paging_is_followed_with_small_pages(
    expertfile_env: FakeExpertFile, page_size: int
) -> None:
    expertfile_env.experts = 25
    expertfile_env.paging = "page"
    frame = ef.get_experts(page_size=page_size, **EVERYONE)
    expertfile_env.paging = "offset"
    reference = ef.get_experts(page_size=page_size, **EVERYONE)
    assert frame["username"].tolist() == reference["username"].tolist()
    assert len(frame) == 25


def test_service_capping_page_size_is_followed(expertfile_env: FakeExpertFile) -> None:
    expertfile_env.experts = 700
    expertfile_env.expect_request(
        f"/v2/organization/{expertfile_env.org_id}/expert",
        query_string={"page_size": "100", "page_from": "0", "access": "all", "status": "all"},
    ).respond_with_handler(lambda _req: _capped_first_page(expertfile_env))
    frame = ef.get_experts(**EVERYONE)
    assert len(frame) == 700 and frame["username"].is_unique


def _capped_first_page(server: FakeExpertFile) -> Any:
    from werkzeug.wrappers import Response

    token = server.issued_tokens[-1]
    body = requests.get(
        f"{server.url}/v2/organization/{server.org_id}/expert",
        params={"page_size": 40, "page_from": 0, "access": "all", "status": "all"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    ).content
    return Response(body, content_type="application/json")


def test_transient_500s_on_a_page_still_give_a_complete_frame(
    expertfile_env: FakeExpertFile,
) -> None:
    expertfile_env.experts = 1000
    ef.login()
    ef.get_experts(limit=1)  # warm: token and first page
    expertfile_env.fail_next(2, status=500, path="data")
    frame = ef.get_experts(**EVERYONE)
    assert len(frame) == 1000 and frame["username"].is_unique
    assert sum(e.status == 500 for e in expertfile_env.journal) == 2


def test_persistent_500_fails_the_pull_naming_the_page(expertfile_env: FakeExpertFile) -> None:
    from urllib3.util.retry import Retry

    ef.login()
    fast = Retry(total=2, status_forcelist=[500], backoff_factor=0, raise_on_status=False)
    session = ef.get_session(retries=fast)
    expertfile_env.fail_next(1000, status=500, path="data")
    with pytest.raises(
        ef.IncompleteDataError, match=r"page_from=0 .*failed after retries"
    ) as caught:
        ef.get_experts(session=session, **EVERYONE)
    assert isinstance(caught.value.__cause__, ef.APIError)
    assert caught.value.__cause__.status == 500
    asked = [e.query["page_from"] for e in data_gets(expertfile_env)]
    assert asked.count("0") == 3  # bounded: 1 + 2 retries
    # and the requests sent with the first page (workers - 1 at most, workers=4 by default),
    # with their retries
    others = [page for page in asked if page != "0"]
    assert len(set(others)) <= 4 - 1 and all(others.count(page) <= 3 for page in others)


def test_persistent_500_on_a_later_page(expertfile_env: FakeExpertFile) -> None:
    from urllib3.util.retry import Retry

    expertfile_env.experts = 1000
    ef.login()
    session = ef.get_session(
        retries=Retry(total=1, status_forcelist=[500], backoff_factor=0, raise_on_status=False)
    )
    expertfile_env.expect_request(
        f"/v2/organization/{expertfile_env.org_id}/expert",
        query_string={"page_size": "100", "page_from": "297", "access": "all", "status": "all"},
    ).respond_with_json(
        {"success": False, "error": "server_error", "error_description": "boom"}, status=500
    )
    with pytest.raises(ef.IncompleteDataError, match="page_from=297") as caught:
        ef.get_experts(session=session, workers=2, **EVERYONE)
    assert "boom" in str(caught.value)


def test_a_4xx_on_a_later_page_is_raised_as_it_is(expertfile_env: FakeExpertFile) -> None:
    # Pulling again cannot help when the service refuses the request itself: the APIError
    # comes as it is (except ef.APIError works for a pull), not as IncompleteDataError.
    expertfile_env.experts = 1000
    ef.login()
    expertfile_env.expect_request(
        f"/v2/organization/{expertfile_env.org_id}/expert",
        query_string={"page_size": "100", "page_from": "297", "access": "all", "status": "all"},
    ).respond_with_json(
        {"success": False, "error": "invalid_request", "error_description": "no"}, status=403
    )
    with pytest.raises(ef.APIError) as caught:
        ef.get_experts(workers=1, **EVERYONE)
    assert caught.value.status == 403
    assert not isinstance(caught.value, ef.IncompleteDataError)


def test_a_login_refused_mid_pull_is_an_authentication_error(
    expertfile_env: FakeExpertFile,
) -> None:
    token = ef.login()
    expertfile_env.revoke(token.access_token)  # the next GET is a 401 ...
    expertfile_env.fail_next(5, status=401, path="token", error="invalid_client")  # no new one
    with pytest.raises(ef.AuthenticationError):
        ef.get_experts(**EVERYONE)


def test_total_changing_mid_pull_is_reported(
    expertfile_env: FakeExpertFile, caplog: pytest.LogCaptureFixture
) -> None:
    # Documented change (issue 12): a mismatch is pulled again once; the data as it
    # stands at the end comes back, and the change is logged.
    expertfile_env.experts = 1000
    expertfile_env.change_experts_after(3, 1100)
    frame = ef.get_experts(workers=1, **EVERYONE)
    assert len(frame) == 1100 and frame["username"].is_unique
    assert "changed from 1000 to 1100" in caplog.text


def test_malformed_page_is_a_typed_error(expertfile_env: FakeExpertFile) -> None:
    ef.login()
    # every try of the first page, and of the requests sent with it
    expertfile_env.malformed_next(1000, "missing_keys", path="data")
    with pytest.raises(ef.IncompleteDataError, match="expected") as caught:
        ef.get_experts()
    assert isinstance(caught.value.__cause__, ef.APIError)


def test_iter_experts_yields_dicts_in_service_order(expertfile_env: FakeExpertFile) -> None:
    expertfile_env.experts = 450
    rows = list(ef.iter_experts(**EVERYONE))
    assert len(rows) == 450
    assert [r["username"] for r in rows] == ef.get_experts(**EVERYONE)["username"].tolist()


def _peak_bytes(count: int) -> int:
    """Peak Python memory of iterating ``count`` experts, served by another process."""
    import subprocess
    import sys

    with subprocess.Popen(
        [sys.executable, "-m", "fake_server", "--port", "0", "--experts", str(count)],
        stdout=subprocess.PIPE,
        text=True,
    ) as proc:
        assert proc.stdout is not None
        try:
            url = proc.stdout.readline().split(" on ", 1)[1].split()[0]
            ef.login("demo-client", "demo-secret", base_url=url)
            # one worker: two pages in flight, so the peak hardly varies from run to run
            iterator = ef.iter_experts(progress=False, workers=1, **EVERYONE)
            next(iterator)  # login and first page outside the measurement
            # pytest keeps every captured log record: that would grow with the count, not us
            logging.disable(logging.CRITICAL)
            tracemalloc.start()
            seen = 1 + sum(1 for _ in iterator)
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        finally:
            logging.disable(logging.NOTSET)
            proc.terminate()
            ef.logout()
    assert seen == count
    return peak


def test_iter_experts_memory_does_not_grow_with_count() -> None:
    _peak_bytes(300)  # warm up: imports and first-use caches
    small = _peak_bytes(2_000)
    large = _peak_bytes(20_000)
    # 10x the records. The peak is the pages in flight, plus the whole-pull duplicate
    # check's key set (12-24 bytes a key, twice that while it grows): about 1 MB more
    # for 18,000 more records. Keeping the records (over 1 KB each here) would add 18 MB.
    assert large < small + 18_000 * 80, (small, large)


def test_staff_and_spotlights(expertfile_env: FakeExpertFile) -> None:
    # their columns and dtypes are held to the documents in tests/contract
    expertfile_env.experts = 400
    staff = ef.get_staff()
    spotlights = ef.get_spotlights()
    assert len(staff) > 400 and staff["username"].is_unique
    assert len(spotlights) > 100 and spotlights["id"].is_unique
    assert len(list(ef.iter_staff(limit=42))) == 42
    assert len(list(ef.iter_spotlights())) == len(spotlights)


def test_get_expert_sections_and_not_found(expertfile_env: FakeExpertFile) -> None:
    username = ef.get_experts(limit=1)["username"][0]
    profile = ef.get_expert(username)
    assert profile["account"][0]["username"] == username
    assert {"biography", "education", "industry"} <= set(profile)
    with pytest.raises(ef.NotFoundError):
        ef.get_expert("nobody-by-this-name")


def test_progress_bar_only_when_asked_or_interactive(
    expertfile_env: FakeExpertFile, capsys: pytest.CaptureFixture[str]
) -> None:
    expertfile_env.experts = 500
    ef.get_experts(**EVERYONE)  # pytest's stderr is not a terminal: no bar by default
    assert "ExpertFile experts" not in capsys.readouterr().err
    ef.get_experts(progress=True, **EVERYONE)
    err = capsys.readouterr().err
    assert "ExpertFile experts" in err
    assert err.endswith("\r") and not err.rsplit("\r", 2)[-2].strip()  # cleared: no leftover bar
    ef.get_experts(progress=True, limit=10)  # one page: no bar
    assert "ExpertFile experts" not in capsys.readouterr().err


def test_json_filters_round_trip(expertfile_env: FakeExpertFile) -> None:
    ef.get_experts(countries=("CA",), tags=["genomics"], fields=["firstname"], limit=3)
    query = data_gets(expertfile_env)[0].query
    assert json.loads(query["countries"]) == ["CA"]
    assert json.loads(query["fields"]) == ["firstname", "username"]  # the key is always asked
