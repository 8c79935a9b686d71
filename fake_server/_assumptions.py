"""Where the documents are silent: the fake's choice, and the setting that flips it.

``ASSUMPTIONS`` is data, so a docs generator can render it and a ``check``
command can probe the real service for each point. ``setting`` is the
``FakeExpertFile`` argument (and attribute) that changes the behaviour; every
entry has one (``tests/contract/test_assumptions.py`` flips each).
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
        ("100", "any whole number"),
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
        "400 invalid_request naming the field; 'ignore' drops it",
        "unknown_fields",
        ("refuse", "ignore"),
        "refuse",
    ),
    Assumption(
        "HTTP status for another organization's data",
        "403 (the others follow HTTP: 400 bad parameter, 401 missing/invalid/expired token with "
        "WWW-Authenticate: Bearer, 404 unknown record or path, 405 wrong method, 413 token body "
        "over 64 KiB); 404 hides that the organization exists",
        "foreign_org_status",
        ("403", "404"),
        "403",
    ),
    Assumption(
        "corporation in list items",
        "the organization's slug (a string, as in the documented sample); 'name' sends its name",
        "corporation_value",
        ("slug", "name"),
        "slug",
    ),
    Assumption(
        "aggregations",
        "experts: countries and topics as {buckets: [{key, doc_count}]}; spotlights: year as "
        "{year: count}, tagged_experts and tags as [{key, doc_count}]; staff: none (as "
        "documented); 'as_sampled' sends the samples' empty {} and {year: {}, tagged_experts: [], "
        "tags: []}",
        "guessed_items",
        ("fill", "as_sampled"),
        "fill",
    ),
    Assumption(
        "spotlight tags, tagged_experts and assets items",
        "strings: tag names, expert usernames, image URLs; 'as_sampled' sends [] as the samples do",
        "guessed_items",
        ("fill", "as_sampled"),
        "fill",
    ),
    Assumption(
        'social items (the sample is not valid JSON: { { "id" : null } })',
        "one object with the eleven URL names of the POST body (twitter, facebook, …); "
        "'as_sampled' sends [{\"id\": null}]",
        "guessed_items",
        ("fill", "as_sampled"),
        "fill",
    ),
    Assumption(
        "avatar and profiletype items of a profile (both documents show [])",
        "avatar {small, medium, large, original}, profiletype {id, name}; 'as_sampled' sends []",
        "guessed_items",
        ("fill", "as_sampled"),
        "fill",
    ),
    Assumption(
        "order of list results",
        "experts and staff by last name then first name (sort=name), featured first with "
        "sort=featured; spotlights newest published_date first; 'first' orders by first name",
        "name_order",
        ("last", "first"),
        "last",
    ),
    Assumption(
        "expert profile sections beyond the 2019 sample",
        "avatar, tagline, topic, tag, category, link and profiletype are added (inferred)",
        "inferred_sections",
        ("add", "omit"),
        "add",
    ),
    Assumption(
        "items that differ between the current site and the older reference",
        "the current site: tag {id, content_tag_id, tag}, affiliation sub-resource {id, name} "
        "(the profile keeps the older sample's affiliation keys); 'slate': tag {id, name}, "
        "affiliation {id, name, notes, link}",
        "doc_version",
        ("gitbook", "slate"),
        "gitbook",
    ),
    Assumption(
        "staff profile section names",
        "the current site's: corporationprofile and profiletype; 'slate': corporationProfile "
        "and no profiletype, as the older reference (and the expert profile's camelCase)",
        "doc_version",
        ("gitbook", "slate"),
        "gitbook",
    ),
    Assumption(
        '"success" in the reads whose samples have none (expert and staff biography, tagline, '
        "all links; all research grants; one industry), and in the expert and staff biography "
        "and tagline POST answers",
        "sent (the samples read as abbreviated); 'as_sampled' leaves it out there, also after "
        "writes to the person",
        "success_key",
        ("always", "as_sampled"),
        "always",
    ),
    Assumption(
        "values the samples show as null (testimonial and research-focus date, research-focus "
        "cover_alt_title, media thumbnail_alt_title)",
        "never null (a value of the documented type); 'as_sampled' sends null there",
        "nulls",
        ("never", "as_sampled"),
        "never",
    ),
    Assumption(
        "companies (experts and staff), and the staff list's countries and fields (plain "
        "strings: no array example is documented)",
        'one value; JSON-array text such as ["A","B"] is read as several, as the experts\' '
        "array parameters are; 'plain' takes the value as one literal string",
        "plain_params",
        ("array_text", "plain"),
        "array_text",
    ),
    Assumption(
        "searchfield other than fullname (only fullname is documented)",
        "400 naming searchfield; 'any' ignores it (every field is searched)",
        "searchfield_values",
        ("fullname", "any"),
        "fullname",
    ),
    Assumption(
        "spotlight month format (documented as a string)",
        "1 to 12 (01 too) or year-month such as 2024-05 (May 2024: a year that disagrees is a "
        "400); 'number' refuses year-month",
        "month_format",
        ("both", "number"),
        "both",
    ),
    Assumption(
        "query parameters an endpoint does not document (spotlight access or sort, staff "
        "status or topics, …)",
        "ignored; 'refuse' answers 400 naming them",
        "unlisted_params",
        ("ignore", "refuse"),
        "ignore",
    ),
    Assumption(
        "token request body",
        "a form (the samples) or a JSON object (the current site's table says JSON); "
        "'refuse' takes only the form",
        "token_json",
        ("accept", "refuse"),
        "accept",
    ),
    Assumption(
        "token path",
        "both /v2/oauth/token (code samples) and /oauth/token (current site's header line); "
        "'v2' answers 404 at /oauth/token",
        "token_paths",
        ("both", "v2"),
        "both",
    ),
    Assumption(
        "a write missing a required field, or with a value outside the documented ones",
        "400 invalid_request naming the fields (required fields, enums such as accomplishment "
        "type 71/73 and media type, 1/0 flags (an empty one too), whole numbers); 'lenient' "
        "stores it as sent instead, and leaves a flag that is not 1/0 as it was (not a check "
        "setting: the check command never writes)",
        "write_validation",
        ("strict", "lenient"),
        "strict",
    ),
    Assumption(
        "write bodies",
        "form-encoded (the vendor's samples) or a JSON object (the current site's header "
        "tables); fields the documents do not list are ignored; 'refuse' takes only the form "
        "(a JSON body is a 400), as token_json does for the token",
        "write_json",
        ("accept", "refuse"),
        "accept",
    ),
    Assumption(
        "the username of a created expert or staff member",
        "first-last-new-N (lower case); 'numbered' makes new-N; the expert create answer does "
        "not carry it (it echoes the body), the staff create answer does",
        "new_username",
        ("name", "numbered"),
        "name",
    ),
    Assumption(
        "the biography, tagline and social POST answers (samples not valid JSON)",
        "biography [{id: null}], tagline [{tagline: {id: null}}], social {id: null}; "
        "'id_null' answers {id: null} for all three (fee {id} and availability, the flags "
        "echoed as a one-element list, either way)",
        "section_post_answer",
        ("as_guessed", "id_null"),
        "as_guessed",
    ),
    Assumption(
        "the accomplishment date field",
        "lands in the item's start (the item has start and end, the body date); 'both' sets "
        "start and end to it",
        "accomplishment_date",
        ("start", "both"),
        "start",
    ),
    Assumption(
        "a write to a section the documents give no such write for (e.g. PUT on a topic)",
        "405 with Allow; '404' answers 404 (no such route)",
        "undocumented_write_status",
        ("405", "404"),
        "405",
    ),
    Assumption(
        "DELETE /staff/<username> of an expert (experts are on the staff list too)",
        "deletes the person, expert profile included (the documents do not say whether the "
        "staff endpoint reaches experts); '404' answers 404 and changes nothing (delete an "
        "expert with DELETE /expert/<username>)",
        "staff_delete_of_expert",
        ("delete", "404"),
        "delete",
    ),
)
