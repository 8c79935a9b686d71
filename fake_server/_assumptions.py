"""Where the documents are silent: the fake's choice, and the setting that flips it.

``ASSUMPTIONS`` is data, so a docs generator can render it and a ``check``
command can probe the real service for each point. ``setting`` is the
``FakeExpertFile`` argument (and attribute) that changes the behaviour, or
``None`` when the choice has no alternative in the fake.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ASSUMPTIONS", "Assumption"]


@dataclass(frozen=True)
class Assumption:
    """One undocumented point: what the fake does, and how to make it do otherwise."""

    point: str
    choice: str
    setting: str | None = None
    values: tuple[str, ...] = ()
    default: str | None = None


ASSUMPTIONS: tuple[Assumption, ...] = (
    Assumption(
        "meaning of page_from",
        "a zero-based row offset (page n starts at n * page_size)",
        "paging",
        ("offset", "page"),
        "offset",
    ),
    Assumption(
        "largest page_size",
        "100 rows (max_page_size)",
        "max_page_size",
        ("any whole number",),
        "100",
    ),
    Assumption(
        "a page_size over the largest",
        "capped silently: the page holds max_page_size rows; 'refuse' answers 400 naming page_size",
        "oversize_pages",
        ("cap", "refuse"),
        "cap",
    ),
    Assumption(
        "failure envelope",
        '{"success": false, "error": <code>, "error_description": <text>}; '
        '\'message\' sends {"success": false, "message": <text>}',
        "error_body",
        ("error", "message"),
        "error",
    ),
    Assumption(
        "how array parameters travel (countries, topics, tags, fields, …)",
        'JSON-array text, as the documents write them: countries=["CA","US"] '
        "(a value without brackets is one item); 'comma' reads CA,US",
        "array_params",
        ("json", "comma"),
        "json",
    ),
    Assumption(
        "keys of list items when fields=[…] is given",
        "the default item keys plus one key per requested return-field name "
        "(section-like names carry a list of item titles); 'only' returns just the requested names",
        "fields_mode",
        ("add", "only"),
        "add",
    ),
    Assumption(
        "a fields name outside the 45 documented return fields",
        "400 invalid_request naming the field",
    ),
    Assumption(
        "HTTP status codes",
        "400 bad parameter, 401 missing/invalid/expired token (WWW-Authenticate: Bearer), "
        "403 another organization's data, 404 unknown record or path, 405 wrong method, "
        "413 token body over 64 KiB",
    ),
    Assumption(
        "corporation in list items",
        "the organization's slug (a string, as in the documented sample), not its number",
    ),
    Assumption(
        "aggregations",
        "experts: countries and topics as {buckets: [{key, doc_count}]}; spotlights: year as "
        "{year: count}, tagged_experts and tags as [{key, doc_count}]; staff: none (as documented)",
    ),
    Assumption(
        "spotlight tags, tagged_experts and assets items",
        "strings: tag names, expert usernames, image URLs",
    ),
    Assumption(
        "order of list results",
        "experts and staff by last name then first name (sort=name), featured first with "
        "sort=featured; spotlights newest published_date first",
    ),
    Assumption(
        "expert profile sections beyond the 2019 sample",
        "avatar, tagline, topic, tag, category, link and profiletype are added (inferred)",
    ),
    Assumption(
        "items that differ between the current site and the older reference",
        "the current site: tag {id, content_tag_id, tag}, affiliation sub-resource {id, name}; "
        "the profile keeps the older sample's affiliation keys",
    ),
    Assumption(
        "token path",
        "both /v2/oauth/token (code samples) and /oauth/token (current site's header line)",
    ),
    Assumption(
        "a write missing a required field, or with a value outside the documented ones",
        "400 invalid_request naming the fields (required fields, enums such as accomplishment "
        "type 71/73 and media type, 1/0 flags, whole numbers); "
        "FakeExpertFile(write_validation='lenient') stores it as sent instead (not a check "
        "setting: the check command never writes)",
    ),
    Assumption(
        "write bodies",
        "form-encoded (the vendor's samples) or a JSON object (the current site's header "
        "tables); fields the documents do not list are ignored",
    ),
    Assumption(
        "the username of a created expert or staff member",
        "first-last-new-N (lower case); the expert create answer does not carry it (it echoes "
        "the body), the staff create answer does",
    ),
    Assumption(
        "the biography, tagline and social POST answers (samples not valid JSON)",
        "biography [{id: null}], tagline [{tagline: {id: null}}], social {id: null}; "
        "fee {id}; availability echoes the flags as a one-element list",
    ),
    Assumption(
        "the accomplishment date field",
        "lands in the item's start (the item has start and end, the body date)",
    ),
    Assumption(
        "a write to a section the documents give no such write for (e.g. PUT on a topic)",
        "405 with Allow",
    ),
)
