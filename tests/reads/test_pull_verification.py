"""Verified paging: overlapping pages, counts, totals, duplicates, bounds, one re-pull."""

from __future__ import annotations

import logging
from typing import Any

import pytest

import expertfile_nb as ef
from tests.reads.service import Listing, PlainService, page_body

EXPERTS = "/v2/organization/{org}/expert"


def experts(n: int, prefix: str = "e") -> list[dict[str, Any]]:
    return [{"username": f"{prefix}{i:04d}", "tagline": f"t{i}"} for i in range(n)]


def listing(plain: PlainService, records: list[dict[str, Any]]) -> Listing:
    return plain.list_endpoint(EXPERTS, Listing("experts", records))


def test_pages_overlap_by_one_row_at_no_extra_request(plain: PlainService) -> None:
    served = listing(plain, experts(250))
    frame = ef.get_experts(page_size=100, workers=1)
    assert frame["username"].tolist() == [f"e{i:04d}" for i in range(250)]
    # first page, the probe, then pages starting on the last row of the page before
    assert served.served == [(0, 100), (1, 2), (99, 100), (198, 100)]


def test_a_delete_and_an_insert_after_page_0_are_caught(plain: PlainService) -> None:
    """The case of issue 12: the total stays 250, one expert goes, another comes."""
    served = listing(plain, experts(250))

    def edit(lst: Listing, start: int, _size: int) -> None:
        if start == 99 and not any(r["username"] == "new" for r in lst.records):
            del lst.records[10]  # before the boundary: later rows shift left by one
            lst.records.insert(180, {"username": "new", "tagline": ""})

    served.before = edit
    frame = ef.get_experts(page_size=100, workers=1)
    # the first pull broke at the overlap; the re-pull read the data as it is now
    assert frame["username"].tolist() == [r["username"] for r in served.records]
    assert "e0010" not in set(frame["username"]) and "new" in set(frame["username"])


def test_the_overlap_mismatch_names_where_it_broke(plain: PlainService) -> None:
    served = listing(plain, experts(250))
    served.before = lambda lst, start, _size: (
        lst.records.insert(5, {"username": f"x{len(lst.served)}"}) if start == 99 else None
    )
    served.total = 250  # an insert that the total does not show
    with pytest.raises(ef.IncompleteDataError, match=r"page_from=99 should begin with"):
        ef.get_experts(page_size=100, workers=1)


def test_a_short_middle_page_and_a_long_last_page_are_caught(plain: PlainService) -> None:
    records = experts(250)
    served = Listing("experts", records)
    # one row short in the middle, one row long at the end: 250 rows in all
    held = {99: records[99:199][:-1], 198: [*records[198:250], {"username": "extra"}]}

    def answer(request: Any) -> Any:
        start = int(request.args["page_from"])
        return page_body("experts", held[start], 250) if start in held else served(request)

    plain.route(EXPERTS, answer)
    with pytest.raises(ef.IncompleteDataError, match=r"page_from=99 held 99 rows where 100"):
        ef.get_experts(page_size=100, workers=1)
    del held[99]
    with pytest.raises(ef.IncompleteDataError, match=r"page_from=198 held 53 rows where 52"):
        ef.get_experts(page_size=100, workers=1)


def test_an_empty_page_before_total_stops_the_pull(plain: PlainService) -> None:
    served = listing(plain, experts(250))
    served.total = 100_000
    with pytest.raises(ef.IncompleteDataError, match="page_from=198 held 52 rows where 100"):
        ef.get_experts(page_size=100, workers=4)
    # per pull: the first page, the probe, the two pages read, at most 2 x workers pages
    # ahead of them; and one re-pull. Not the 1,001 requests that total would call for.
    assert len(served.served) <= 2 * (2 + 2 + 2 * 4)


def test_a_total_of_a_billion_with_empty_pages_ends_at_once(plain: PlainService) -> None:
    served = listing(plain, [])
    served.total = 10**9
    with pytest.raises(ef.IncompleteDataError, match="was empty"):
        ef.get_experts()
    # the pull (its first page, and the requests that went with it: workers - 1, of 4), and
    # the one re-pull: its first page alone (the pull's held nothing)
    assert served.served[-1] == (0, 100) and served.served.count((0, 100)) == 2
    assert len(served.served) <= 4 + 1


def test_count_must_equal_total(plain: PlainService) -> None:
    served = listing(plain, experts(7))
    served.total = 8  # one promised record never comes (7 rows read as a capped page)
    with pytest.raises(ef.IncompleteDataError, match="page_from=6 held 1 rows where 2 were due"):
        ef.get_experts()
    served.total = 6
    with pytest.raises(ef.IncompleteDataError, match="held 7 rows where 6 were due"):
        ef.get_experts()


def test_duplicates_are_caught_while_streaming(plain: PlainService) -> None:
    records = experts(30)
    records[25] = dict(records[3])  # far apart: only the whole-pull check sees it in get_
    listing(plain, records)
    with pytest.raises(ef.IncompleteDataError, match="'e0003' came twice"):
        ef.get_experts(page_size=10, workers=1)
    records[25] = experts(30)[25]
    records[12] = dict(records[10])  # in the next page: the streaming check sees it
    with pytest.raises(ef.IncompleteDataError, match="'e0010' came twice"):
        list(ef.iter_experts(page_size=10, workers=1))


def test_keys_are_compared_as_sent_type_included(plain: PlainService) -> None:
    """A service that sends 1 and "1" sent two records; both are kept."""
    records = [{"id": 1}, {"id": "1"}, {"id": 2}]
    plain.list_endpoint("/v2/spotlight/{org}/search", Listing("spotlights", records))
    rows = list(ef.iter_spotlights())
    assert [r["id"] for r in rows] == [1, "1", 2]
    assert len(ef.get_spotlights()) == 3


@pytest.mark.parametrize("key", [True, False, None, 1.5, ["e1"]])
def test_a_key_that_is_not_a_string_or_whole_number_is_refused(
    plain: PlainService, key: object
) -> None:
    """``true`` is not the username 1 (nor "True"): a record keyed by it cannot be checked."""
    listing(plain, [*experts(3), {"username": key}])
    with pytest.raises(ef.IncompleteDataError, match="no usable 'username'"):
        list(ef.iter_experts())


def test_a_changed_total_is_pulled_again_once(
    plain: PlainService, caplog: pytest.LogCaptureFixture
) -> None:
    served = listing(plain, experts(300))

    def grow(lst: Listing, start: int, _size: int) -> None:
        if start == 198 and len(lst.records) == 300:
            lst.records.extend(experts(20, prefix="late"))

    served.before = grow
    with caplog.at_level(logging.WARNING, logger="expertfile_nb"):
        frame = ef.get_experts(workers=1)
    assert len(frame) == 320
    assert "changed from 300 to 320" in caplog.text and "again, once" in caplog.text


def test_a_second_mismatch_is_an_error_that_says_both(plain: PlainService) -> None:
    served = listing(plain, experts(300))
    served.before = lambda lst, start, _size: (
        lst.records.append({"username": f"n{len(lst.served)}"}) if start == 99 else None
    )
    with pytest.raises(ef.IncompleteDataError, match="second pull too") as caught:
        ef.get_experts(workers=1)
    assert str(caught.value).count("changed from") == 2


def test_iter_raises_at_once_without_a_re_pull(plain: PlainService) -> None:
    served = listing(plain, experts(300))
    served.before = lambda lst, start, _size: (
        lst.records.insert(0, {"username": "first"}) if start == 99 else None
    )
    rows: list[dict[str, Any]] = []
    with pytest.raises(ef.IncompleteDataError, match="changed from 300 to 301"):
        rows.extend(ef.iter_experts(workers=1))
    assert [start for start, _ in served.served].count(0) == 1


def test_the_request_count_is_bounded_by_total_and_page_size(plain: PlainService) -> None:
    served = listing(plain, experts(1000))
    ef.get_experts(page_size=10, workers=4)
    pages = 1 + -(-(1000 - 10) // 9)  # overlapping pages of 10 rows step 9
    assert len(served.served) == pages + 1  # and the probe
