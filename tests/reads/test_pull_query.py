"""What a list request sends: only what the caller set, in the documented forms."""

from __future__ import annotations

import inspect
import json
from typing import Any

import pytest

import expertfile_nb as ef
from expertfile_nb._reads.data import RETURN_FIELDS
from tests.contract import documented as doc
from tests.reads.service import Listing, PlainService

PAGING = {"page_size", "page_from"}
FUNCTIONS = {"experts": ef.get_experts, "staff": ef.get_staff, "spotlights": ef.get_spotlights}


def serve_empty(plain: PlainService) -> None:
    for endpoint in doc.LIST_ENDPOINTS:
        plain.list_endpoint(endpoint.path, Listing(endpoint.list_key, []))


@pytest.mark.parametrize("endpoint", doc.LIST_ENDPOINTS, ids=lambda e: e.name)
def test_only_paging_is_sent_when_nothing_is_set(
    plain: PlainService, endpoint: doc.ListEndpoint
) -> None:
    """No default the service already has (the documented status default is all)."""
    serve_empty(plain)
    FUNCTIONS[endpoint.name]()
    assert set(plain.data_queries()[0]) == PAGING


@pytest.mark.parametrize("endpoint", doc.LIST_ENDPOINTS, ids=lambda e: e.name)
def test_every_documented_parameter_is_a_keyword(endpoint: doc.ListEndpoint) -> None:
    own = set(inspect.signature(FUNCTIONS[endpoint.name]).parameters)
    documented = set(endpoint.params) - PAGING
    assert documented <= own
    options = {"page_size", "limit", "progress", "workers", "session"}
    assert own == documented | options  # nothing undocumented


@pytest.mark.parametrize(
    ("function", "kwargs", "sent"),
    [
        (ef.get_experts, {"status": "published"}, {"status": "published"}),
        (
            ef.get_experts,
            {"access": "all", "sort": "featured"},
            {"access": "all", "sort": "featured"},
        ),
        (ef.get_experts, {"countries": ["CA", "US"]}, {"countries": '["CA","US"]'}),
        (ef.get_experts, {"topics": "Genomics"}, {"topics": '["Genomics"]'}),
        # documented as a plain string: one company is sent as it is; several (no form is
        # documented) as JSON-array text; "all", the documented default, as the word
        (ef.get_experts, {"companies": ["Acme"]}, {"companies": "Acme"}),
        (ef.get_experts, {"companies": "Acme, Inc."}, {"companies": "Acme, Inc."}),
        (ef.get_experts, {"companies": ["A", "B"]}, {"companies": '["A","B"]'}),
        (ef.get_experts, {"countries": "all", "tags": "ALL"}, {"countries": "all", "tags": "all"}),
        (ef.get_spotlights, {"month": "all", "year": "all"}, {"month": "all", "year": "all"}),
        (ef.get_spotlights, {"month": "2024-05"}, {"month": "2024-05"}),
        (ef.get_experts, {"q": "x", "searchfield": "email"}, {"q": "x", "searchfield": "email"}),
        (
            ef.get_experts,
            {"q": "smith", "searchfield": "fullname"},
            {"q": "smith", "searchfield": "fullname"},
        ),
        (
            ef.get_staff,
            {"access": "private", "countries": ("CA",)},
            {"access": "private", "countries": "CA"},  # a plain string here
        ),
        (
            ef.get_spotlights,
            {"tagged": ["peter.evans"], "year": 2024, "month": "11"},
            {"tagged": '["peter.evans"]', "year": "2024", "month": "11"},
        ),
        (
            ef.get_spotlights,
            {"status": "unpublished", "tags": ["a", "b"]},
            {"status": "unpublished", "tags": '["a","b"]'},
        ),
    ],
)
def test_what_is_set_is_sent_as_documented(
    plain: PlainService, function: Any, kwargs: dict[str, Any], sent: dict[str, str]
) -> None:
    serve_empty(plain)
    function(**kwargs)
    query = plain.data_queries()[0]
    assert {k: v for k, v in query.items() if k not in PAGING} == sent


def test_fields_are_checked_and_username_is_added(plain: PlainService) -> None:
    serve_empty(plain)
    frame = ef.get_experts(fields=["firstname", "jobtitle"])
    sent = plain.data_queries()
    assert {q["fields"] for q in sent} == {'["firstname","jobtitle","username"]'}
    assert json.loads(sent[0]["fields"]) == ["firstname", "jobtitle", "username"]
    assert list(frame.columns) == ["username", "firstname", "jobtitle"]
    with pytest.raises(ef.ConfigurationError, match="Did you mean 'jobtitle'"):
        ef.get_experts(fields=["job_title"])
    with pytest.raises(ef.ConfigurationError, match="Did you mean 'firstname'"):
        ef.get_staff(fields="frstname")
    assert len(plain.data_queries()) == len(sent)  # refused before any request


def test_the_return_fields_are_the_documented_45() -> None:
    assert RETURN_FIELDS == doc.RETURN_FIELDS


@pytest.mark.parametrize(
    "kwargs",
    [
        {"access": "everyone"},
        {"status": "draft"},
        {"sort": "newest"},
        {"page_size": 0},
        {"page_size": 1001},
        {"limit": -1},
        {"workers": 0},
        {"countries": [1]},
        {"countries": {"CA": 1}},
        {"q": 5},
        {"q": "caf\udce9"},  # a lone surrogate (bytes decoded with surrogateescape)
        {"countries": ["\ud800"]},
    ],
)
def test_bad_values_are_configuration_errors(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ef.ConfigurationError) as caught:
        ef.get_experts(**kwargs)  # refused before logging in
    assert not isinstance(caught.value, ef.NotLoggedInError)  # (a subclass: not that one)


@pytest.mark.parametrize("kwargs", [{"access": "all"}, {"status": "all"}, {"topics": ["x"]}])
def test_staff_takes_only_its_documented_parameters(kwargs: dict[str, Any]) -> None:
    with pytest.raises((TypeError, ef.ConfigurationError)):
        ef.get_staff(**kwargs)


@pytest.mark.parametrize(
    "kwargs",
    [{"month": "May"}, {"year": True}, {"year": 20.5}, {"year": 10**5000}],
    ids=["month May", "year True", "year 20.5", "year 10**5000"],
)
def test_month_and_year_are_whole_numbers(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ef.ConfigurationError, match="whole number"):
        ef.get_spotlights(**kwargs)


@pytest.mark.parametrize(
    "function", [ef.get_experts, ef.iter_experts, ef.get_staff, ef.iter_spotlights]
)
def test_a_misspelt_argument_is_a_type_error(function: Any) -> None:
    with pytest.raises(TypeError, match="country"):
        function(country=["CA"])


@pytest.mark.parametrize(
    ("function", "own"),
    [
        (ef.get_experts, "industries"),
        (ef.iter_experts, "industries"),
        (ef.get_staff, "searchfield"),
        (ef.iter_staff, "companies"),
        (ef.get_spotlights, "tagged"),
        (ef.iter_spotlights, "month"),
    ],
)
def test_each_function_documents_its_own_arguments(function: Any, own: str) -> None:
    doc_text = inspect.getdoc(function) or ""
    for name in inspect.signature(function).parameters:
        assert f"\n    {name}: " in doc_text, name
    assert f"{own}: " in doc_text and "{pull options}" not in doc_text
    assert "Raises:" in doc_text and ("Yields:" in doc_text) == function.__name__.startswith("iter")


@pytest.mark.parametrize(
    "username", ["\ud800", 10**5000, -1], ids=["lone surrogate", "10**5000", "-1"]
)
def test_a_username_that_cannot_be_sent_is_a_configuration_error(username: Any) -> None:
    with pytest.raises(ef.ConfigurationError) as caught:
        ef.get_expert(username)  # refused before logging in
    assert not isinstance(caught.value, ef.NotLoggedInError)


@pytest.mark.parametrize(
    ("countries", "words"),
    [(["XX"], "not a documented country code"), (["ca"], "Did you mean 'CA'"), ("U S", "code")],
)
def test_country_codes_are_the_documented_ones(
    plain: PlainService, countries: Any, words: str
) -> None:
    with pytest.raises(ef.ConfigurationError, match=words):
        ef.get_experts(countries=countries)
    with pytest.raises(ef.ConfigurationError, match=words):
        ef.get_staff(countries=countries)
    assert plain.data_queries() == []


@pytest.mark.parametrize(
    "month", ["2024-13", "2024-00", "2024-5x", 13, 0, "00", "-05", "2024-"], ids=str
)
def test_a_month_outside_1_to_12_is_refused(month: object) -> None:
    with pytest.raises(ef.ConfigurationError, match="month") as caught:
        ef.get_spotlights(month=month)
    assert not isinstance(caught.value, ef.NotLoggedInError)


@pytest.mark.parametrize(
    ("function", "kwargs"),
    [
        (ef.get_experts, {"companies": []}),
        (ef.get_experts, {"countries": []}),
        (ef.get_experts, {"topics": ()}),
        (ef.get_staff, {"countries": []}),
        (ef.get_spotlights, {"tags": []}),
    ],
    ids=["companies", "countries", "topics", "staff countries", "spotlight tags"],
)
def test_an_empty_filter_list_is_refused(function: Any, kwargs: dict[str, Any]) -> None:
    # "[]" would be sent and read as "none of these" (or a company named "[]"): an
    # empty frame without a word; None or "all" is how to ask for no filter
    with pytest.raises(ef.ConfigurationError, match='"all"') as caught:
        function(**kwargs)
    assert not isinstance(caught.value, ef.NotLoggedInError)
