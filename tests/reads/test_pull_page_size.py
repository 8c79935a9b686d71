"""A page size the service caps or refuses: the pull adapts and gets every record."""

from __future__ import annotations

import logging
from typing import Any

import pytest

import expertfile_nb as ef
from fake_server import FakeExpertFile
from tests.reads.service import Listing, PlainService

EXPERTS = "/v2/organization/{org}/expert"


def experts(n: int) -> list[dict[str, Any]]:
    return [{"username": f"e{i:04d}"} for i in range(n)]


def test_a_capped_page_is_followed(plain: PlainService) -> None:
    served = plain.list_endpoint(EXPERTS, Listing("experts", experts(450)))
    served.max_page = 100
    frame = ef.get_experts(page_size=500, workers=4)
    assert frame["username"].tolist() == [f"e{i:04d}" for i in range(450)]
    # paged by the cap; at 500, only what went with the first page (the probe, page_from=1
    # page_size=2, and at most two pages planned as offsets: dropped, if not yet sent)
    at_500 = sorted(key for key in served.served if key[1] == 500)
    assert at_500[0] == (0, 500) and set(at_500) <= {(0, 500), (499, 500), (998, 500)}
    assert len(set(at_500)) == len(at_500)
    assert {size for start, size in served.served if size not in (2, 500)} == {100}


def test_a_refused_page_size_is_retried_smaller_and_logged_once(
    plain: PlainService, caplog: pytest.LogCaptureFixture
) -> None:
    served = plain.list_endpoint(EXPERTS, Listing("experts", experts(450)))
    served.refuse_above = 100
    with caplog.at_level(logging.INFO, logger="expertfile_nb"):
        frame = ef.get_experts(page_size=500)
    assert len(frame) == 450 and frame["username"].is_unique
    first_page = [key for key in served.served if key[0] == 0]
    assert first_page == [(0, 500), (0, 100)]
    refusals = [r for r in caplog.records if "refused page_size=500" in r.getMessage()]
    assert len(refusals) == 1 and "paging by 100" in refusals[0].getMessage()


def test_the_size_is_halved_below_100(plain: PlainService) -> None:
    served = plain.list_endpoint(EXPERTS, Listing("experts", experts(60)))
    served.refuse_above = 20
    assert len(ef.get_experts(page_size=80)) == 60
    assert [size for start, size in served.served if start == 0][:3] == [80, 40, 20]


def test_a_400_that_does_not_name_page_size_is_not_retried(plain: PlainService) -> None:
    plain.route(EXPERTS, lambda _r: _bad_request("countries must be a JSON array"))
    # the service refuses the request itself: raised as it is, not as IncompleteDataError
    with pytest.raises(ef.APIError, match="countries must be a JSON array") as caught:
        ef.get_experts(page_size=500)
    assert caught.value.status == 400
    assert not isinstance(caught.value, ef.IncompleteDataError)
    # asked once; what went with it (workers - 1 requests at most; 4 by default) was refused alike
    asked = [query["page_from"] for query in plain.data_queries()]
    assert asked.count("0") == 1 and len(asked) <= 4 and len(set(asked)) == len(asked)


def _bad_request(description: str) -> Any:
    from werkzeug.wrappers import Response

    body = f'{{"success": false, "error": "invalid_request", "error_description": "{description}"}}'
    return Response(body, status=400, content_type="application/json")


@pytest.mark.parametrize("oversize", ["cap", "refuse"])
def test_get_experts_page_size_500_from_the_fake(
    expertfile_env: FakeExpertFile, oversize: str
) -> None:
    """The fake's maximum is 100; it caps larger pages, or refuses them when told."""
    expertfile_env.oversize_pages = oversize  # the fake's setting (ignored by older fakes)
    expertfile_env.experts = 700
    frame = ef.get_experts(page_size=500, access="all", status="all")
    assert len(frame) == 700 and frame["username"].is_unique
