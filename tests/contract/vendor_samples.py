"""The vendor's own sample answers, verbatim, for every documented read and the token.

Each documented GET of the vendor's older complete reference (DOC-SL, the Slate site:
74 distinct reads — its "Industry" section appears twice, identically, and is kept
once) and the token answer of its current Authentication page (DOC-GB) is kept as a
file in ``tests/contract/vendor/`` holding the text of the vendor's ```json block
exactly as published, byte for byte. Nothing here is ours but the repairs:

* where the vendor's text is not valid JSON, :attr:`VendorSample.repairs` lists each
  edit that makes it parse, marked by kind — ``comment`` (a ``//`` remark removed),
  ``comma`` (a trailing comma removed), ``placeholder`` (a bare word such as
  ``unixtimestamp`` replaced by a value of the type it names), ``structure`` (a brace
  or bracket added or removed), ``quoting`` (JavaScript-style keys or quotes);
* where the documented path cannot be right (it lacks the segment or the username
  every sibling read has), :attr:`VendorSample.path` is the evident path and
  :attr:`VendorSample.path_note` says what was changed; a trailing ``/`` is dropped.

Use :func:`iter_samples` for ``(name, path, parsed sample)``; :func:`verbatim`,
:func:`repaired` and :func:`parsed` for one sample by name. Names are
``<expert|staff>.<segment>[.list|.get]``, ``expert.list``, ``spotlight.get``,
``token`` and so on (``READS`` holds the 74 read names in the vendor's order).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "READS",
    "SAMPLES",
    "Repair",
    "VendorSample",
    "country_codes",
    "iter_samples",
    "parsed",
    "repaired",
    "state_codes",
    "verbatim",
]

FOLDER = Path(__file__).resolve().parent / "vendor"


@dataclass(frozen=True)
class Repair:
    """One marked edit to the vendor's text: every ``old`` becomes ``new``."""

    kind: str  # comment | comma | placeholder | structure | quoting
    old: str
    new: str


@dataclass(frozen=True)
class VendorSample:
    """One documented endpoint and the vendor's sample answer for it."""

    name: str
    section: str  # the vendor's section heading, e.g. "Link"
    title: str  # the vendor's endpoint heading, e.g. "Get a Specific Link"
    method: str
    documented_path: str  # exactly as the vendor writes it (":corporation", ":id")
    line: int  # where the heading is in the source (DOC-SL index.html.md; DOC-GB page)
    path: str  # the path template the tests use: {org}, {username}, {id}
    path_note: str
    repairs: tuple[Repair, ...]
    source: str

    @property
    def file(self) -> Path:
        """The fixture file holding the vendor's text."""
        return FOLDER / f"{self.name}.json.txt"


def _c(old: str) -> Repair:
    return Repair("comment", old, "")


# "start": 1349841600, //unix time
_UNIX = (_c(" //unix time"),)
_LINK = (Repair("comma", '",\n    }', '"\n    }'),)
_YEAR = (_c(" // year "),)

REPAIRS: dict[str, tuple[Repair, ...]] = {
    "token": (
        Repair("structure", "  data: {", '{"data": {'),
        Repair("quoting", "accessToken: '<ACCESS CODE>'", '"accessToken": "<ACCESS CODE>"'),
        Repair(
            "quoting",
            "accessTokenExpiresAt: '2024-06-24T16:10:43.457Z'",
            '"accessTokenExpiresAt": "2024-06-24T16:10:43.457Z"',
        ),
        Repair("quoting", "client: '<CLIENT ID>'", '"client": "<CLIENT ID>"'),
        Repair("placeholder", "user: <ORG ID>", '"user": 767'),
        Repair("quoting", "scope: true", '"scope": true'),
        Repair("quoting", "success: true", '"success": true'),
    ),
    "expert.get": (_c(" //unix time"), _c(" // unix time")),
    "expert.link.list": _LINK,
    "staff.link.list": _LINK,
    "expert.accomplishment.list": _UNIX,
    "expert.accomplishment.get": _UNIX,
    "expert.eventappearance.list": (Repair("comma", ", //unix time", ""),),
    "expert.eventappearance.get": (Repair("comma", ", //unix time", ""),),
    "expert.education.list": _YEAR,
    "staff.education.list": _YEAR,
    "expert.testimonial.get": (_c(" //company url"),),
    "expert.social": (Repair("structure", '{\n      { "id" : null }\n    }', '{ "id" : null }'),),
    "expert.cv": (
        Repair("structure", "{\n      {\n", "{\n"),
        Repair("structure", '"document url"}\n    }', '"document url"\n    }'),
    ),
    "expert.media.vimeo.list": (_c(" //vimeo video id. "),),
    "expert.media.vimeo.get": (_c(" //vimeo video id. "),),
    "expert.media.slideshare.list": (_c("// slideshare docuement id"),),
    "expert.media.slideshare.get": (_c("// slideshare docuement id"),),
    "spotlight.list": (
        Repair("placeholder", "unixtimestamp", "1411508121"),
        Repair("placeholder", '"corporation_id": corporation_id', '"corporation_id": 767'),
        Repair("placeholder", '"id": id', '"id": 1'),
        Repair("placeholder", '"total": int', '"total": 1'),
        Repair("structure", "            }\n          }\n        ],", "            }\n        ],"),
    ),
    "spotlight.get": (
        Repair("placeholder", "unixtimestamp", "1411508121"),
        Repair("placeholder", '"corporation_id": corporation_id', '"corporation_id": 767'),
        Repair("placeholder", '"id": id', '"id": 1'),
        Repair("placeholder", '"reading_time": int', '"reading_time": 1'),
        Repair("structure", '"tags": []\n    },', '"tags": []\n            }\n        ]\n    },'),
    ),
}

# Documented paths that cannot be right, and the evident path (a trailing "/" is dropped
# everywhere without a note).
PATHS: dict[str, tuple[str, str]] = {
    "expert.education.get": (
        "/v2/organization/{org}/expert/{username}/education/{id}",
        "documented without the 'education' segment",
    ),
    "expert.course.get": (
        "/v2/organization/{org}/expert/{username}/course/{id}",
        "documented without the username and the 'course' segment",
    ),
    "expert.article.get": (
        "/v2/organization/{org}/expert/{username}/article/{id}",
        "documented without the username and the 'article' segment",
    ),
    "expert.media.youtube.list": (
        "/v2/organization/{org}/expert/{username}/media/youtube",
        "documented without the 'expert' segment (its by-id read has it)",
    ),
    "expert.media.slideshare.list": (
        "/v2/organization/{org}/expert/{username}/media/slideshare",
        "documented without the 'expert' segment (its by-id read has it)",
    ),
    "staff.education.get": (
        "/v2/organization/{org}/staff/{username}/education/{id}",
        "documented without the 'education' segment",
    ),
    "token": (
        "/v2/oauth/token",
        "the page's header line says /oauth/token; its curl and code samples use /v2/oauth/token",
    ),
}


def _s(
    name: str, section: str, title: str, documented: str, line: int, method: str = "GET"
) -> VendorSample:
    path, note = PATHS.get(name, ("", ""))
    if not path:
        path = documented.replace(":corporation", "{org}").replace(":username", "{username}")
        path = path.replace(":id", "{id}").rstrip("/")
    source = "DOC-GB Authentication page" if name == "token" else "DOC-SL source/index.html.md"
    return VendorSample(
        name, section, title, method, documented, line, path, note, REPAIRS.get(name, ()), source
    )


_TABLE = (
    _s("token", "Authentication", "Create token.", "/oauth/token", 3, "POST"),
    _s("expert.list", "Experts", "Get All Experts", "/v2/organization/:corporation/expert", 46),
    _s(
        "expert.get",
        "Experts",
        "Get a Specific Expert",
        "/v2/organization/:corporation/expert/:username",
        121,
    ),
    _s(
        "expert.biography",
        "Biography",
        "Get Biography",
        "/v2/organization/:corporation/expert/:username/biography",
        495,
    ),
    _s(
        "expert.tagline",
        "Tagline",
        "Get Tagline",
        "/v2/organization/:corporation/expert/:username/tagline",
        571,
    ),
    _s(
        "expert.link.list",
        "Link",
        "Get All Links",
        "/v2/organization/:corporation/expert/:username/link",
        659,
    ),
    _s(
        "expert.link.get",
        "Link",
        "Get a Specific Link",
        "/v2/organization/:corporation/expert/:username/link/:id",
        699,
    ),
    _s(
        "expert.sampletalk.list",
        "Sample Talk",
        "Get All Sample Talks",
        "/v2/organization/:corporation/expert/:username/sampletalk",
        860,
    ),
    _s(
        "expert.sampletalk.get",
        "Sample Talk",
        "Get a Specific Sample Talk",
        "/v2/organization/:corporation/expert/:username/sampletalk/:id",
        901,
    ),
    _s(
        "expert.accomplishment.list",
        "Accomplishment",
        "Get All Accomplishment",
        "/v2/organization/:corporation/expert/:username/accomplishment",
        1057,
    ),
    _s(
        "expert.accomplishment.get",
        "Accomplishment",
        "Get a Specific Accomplishment",
        "/v2/organization/:corporation/expert/:username/accomplishment/:id",
        1102,
    ),
    _s(
        "expert.affiliation.list",
        "Affiliation",
        "Get All Affiliation",
        "/v2/organization/:corporation/expert/:username/affiliation",
        1265,
    ),
    _s(
        "expert.affiliation.get",
        "Affiliation",
        "Get a Specific Affiliation",
        "/v2/organization/:corporation/expert/:username/affiliation/:id",
        1305,
    ),
    _s(
        "expert.eventappearance.list",
        "Event Appearances",
        "Get All Event Appearances",
        "/v2/organization/:corporation/expert/:username/eventappearance",
        1459,
    ),
    _s(
        "expert.eventappearance.get",
        "Event Appearances",
        "Get a Specific Event Appearance",
        "/v2/organization/:corporation/expert/:username/eventappearance/:id",
        1503,
    ),
    _s(
        "expert.mediaappearance.list",
        "Media Appearance",
        "Get All Media Appearance",
        "/v2/organization/:corporation/expert/:username/mediaappearance",
        1665,
    ),
    _s(
        "expert.mediaappearance.get",
        "Media Appearance",
        "Get a Specific Media Appearance",
        "/v2/organization/:corporation/expert/:username/mediaappearance/:id",
        1717,
    ),
    _s(
        "expert.education.list",
        "Education",
        "Get All Education",
        "/v2/organization/:corporation/expert/:username/education",
        1886,
    ),
    _s(
        "expert.education.get",
        "Education",
        "Get a Specific Education",
        "/v2/organization/:corporation/expert/:username/:id",
        1931,
    ),
    _s(
        "expert.testimonial.list",
        "Testimonial",
        "Get All Testimonial",
        "/v2/organization/:corporation/expert/:username/testimonial",
        2096,
    ),
    _s(
        "expert.testimonial.get",
        "Testimonial",
        "Get a Specific Testimonial",
        "/v2/organization/:corporation/expert/:username/testimonial/:id",
        2145,
    ),
    _s(
        "expert.patent.list",
        "Patent",
        "Get All Patent",
        "/v2/organization/:corporation/expert/:username/patent",
        2312,
    ),
    _s(
        "expert.patent.get",
        "Patent",
        "Get a Specific Patent",
        "/v2/organization/:corporation/expert/:username/patent/:id",
        2358,
    ),
    _s(
        "expert.researchgrant.list",
        "Research Grant",
        "Get All Research Grant",
        "/v2/organization/:corporation/expert/:username/researchgrant",
        2520,
    ),
    _s(
        "expert.researchgrant.get",
        "Research Grant",
        "Get a Specific Research grant",
        "/v2/organization/:corporation/expert/:username/researchgrant/:id",
        2565,
    ),
    _s(
        "expert.partnership.list",
        "Partnerships",
        "Get All Partnerships",
        "/v2/organization/:corporation/expert/:username/partnership",
        2732,
    ),
    _s(
        "expert.partnership.get",
        "Partnerships",
        "Get a Specific Partnership",
        "/v2/organization/:corporation/expert/:username/partnership/:id",
        2778,
    ),
    _s(
        "expert.course.list",
        "Courses",
        "Get All Courses",
        "/v2/organization/:corporation/expert/:username/course",
        2946,
    ),
    _s(
        "expert.course.get",
        "Courses",
        "Get a Specific Course",
        "/v2/organization/:corporation/expert/:id",
        2986,
    ),
    _s(
        "expert.article.list",
        "Articles",
        "Get All Articles",
        "/v2/organization/:corporation/expert/:username/article",
        3144,
    ),
    _s(
        "expert.article.get",
        "Articles",
        "Get a Specific Article",
        "/v2/organization/:corporation/expert/:id",
        3190,
    ),
    _s(
        "expert.researchfocus.list",
        "Research Focus",
        "Get All Research Focus",
        "/v2/organization/:corporation/expert/:username/researchfocus/",
        3356,
    ),
    _s(
        "expert.researchfocus.get",
        "Research Focus",
        "Get a Specific Research Focus",
        "/v2/organization/:corporation/expert/:username/researchfocus/:id",
        3407,
    ),
    _s(
        "expert.topic.list",
        "Topics",
        "Get All Topics",
        "/v2/organization/:corporation/expert/:username/topic/",
        3576,
    ),
    _s(
        "expert.topic.get",
        "Topics",
        "Get a Specific Topic",
        "/v2/organization/:corporation/expert/:username/topic/:id",
        3612,
    ),
    _s(
        "expert.industry.list",
        "Industry",
        "Get All Industry",
        "/v2/organization/:corporation/expert/:username/industry/",
        3726,
    ),
    _s(
        "expert.industry.get",
        "Industry",
        "Get a Specific Industry",
        "/v2/organization/:corporation/expert/:username/industry/:id",
        3762,
    ),
    _s(
        "expert.language.list",
        "Languages",
        "Get All languages",
        "/v2/organization/:corporation/expert/:username/language/",
        3875,
    ),
    _s(
        "expert.language.get",
        "Languages",
        "Get a Specific Languages",
        "/v2/organization/:corporation/expert/:username/language/:id",
        3911,
    ),
    _s(
        "expert.fee",
        "Fees",
        "Get All Fees",
        "/v2/organization/:corporation/expert/:username/fee",
        4063,
    ),
    _s(
        "expert.availability",
        "Availability",
        "Get Availability",
        "/v2/organization/:corporation/expert/:username/availability",
        4137,
    ),
    _s(
        "expert.social",
        "Social",
        "Get All Social",
        "/v2/organization/:corporation/expert/:username/social",
        4229,
    ),
    _s(
        "expert.category.list",
        "Categories",
        "Get All Categories",
        "/v2/organization/:corporation/expert/:username/category/",
        4312,
    ),
    _s(
        "expert.category.get",
        "Categories",
        "Get a Specific Category",
        "/v2/organization/:corporation/expert/:username/category/:id",
        4348,
    ),
    _s(
        "expert.tag.list",
        "Tags",
        "Get All Tags",
        "/v2/organization/:corporation/expert/:username/tag/",
        4462,
    ),
    _s(
        "expert.tag.get",
        "Tags",
        "Get a Specific Tag",
        "/v2/organization/:corporation/expert/:username/tag/:id",
        4498,
    ),
    _s(
        "expert.media.youtube.list",
        "YouTube",
        "Get All YouTube Media",
        "/v2/organization/:corporation/:username/media/youtube",
        4687,
    ),
    _s(
        "expert.media.youtube.get",
        "YouTube",
        "Get a Specific YouTube item",
        "/v2/organization/:corporation/expert/:username/media/youtube/:id",
        4736,
    ),
    _s(
        "expert.media.vimeo.list",
        "Vimeo",
        "Get All Vimeo Media",
        "/v2/organization/:corporation/expert/:username/media/vimeo",
        4780,
    ),
    _s(
        "expert.media.vimeo.get",
        "Vimeo",
        "Get a Specific Vimeo item",
        "/v2/organization/:corporation/expert/:username/media/vimeo/:id",
        4827,
    ),
    _s(
        "expert.media.slideshare.list",
        "SlideShare",
        "Get All SlideShare Media",
        "/v2/organization/:corporation/:username/media/slideshare",
        4869,
    ),
    _s(
        "expert.media.slideshare.get",
        "SlideShare",
        "Get a Specific SlideShare media",
        "/v2/organization/:corporation/expert/:username/media/slideshare/:id",
        4916,
    ),
    _s(
        "expert.media.document.list",
        "Documents",
        "Get All Documents",
        "/v2/organization/:corporation/expert/:username/media/document",
        4958,
    ),
    _s(
        "expert.media.document.get",
        "Documents",
        "Get a Specific Document",
        "/v2/organization/:corporation/expert/:username/media/document/:id",
        5007,
    ),
    _s(
        "expert.media.photo.list",
        "Photo",
        "Get All Photos",
        "/v2/organization/:corporation/expert/:username/media/photo",
        5050,
    ),
    _s(
        "expert.media.photo.get",
        "Photo",
        "Get a Specific Photo",
        "/v2/organization/:corporation/expert/:username/media/photo/:id",
        5099,
    ),
    _s(
        "expert.media.video.list",
        "Video",
        "Get All Videos",
        "/v2/organization/:corporation/expert/:username/media/video",
        5142,
    ),
    _s(
        "expert.media.video.get",
        "Video",
        "Get a Specific Video",
        "/v2/organization/:corporation/expert/:username/media/video/:id",
        5191,
    ),
    _s("expert.cv", "CV", "Get CV", "/v2/organization/:corporation/expert/:username/cv", 5234),
    _s("staff.list", "Staff", "Get All Employees", "/v2/organization/:corporation/employee", 5271),
    _s(
        "staff.get",
        "Staff",
        "Get a Specific Staff",
        "/v2/organization/:corporation/staff/:username",
        5331,
    ),
    _s(
        "staff.biography",
        "Biography",
        "Get Biography",
        "/v2/organization/:corporation/staff/:username/biography",
        5560,
    ),
    _s(
        "staff.tagline",
        "Tagline",
        "Get Tagline",
        "/v2/organization/:corporation/staff/:username/tagline",
        5636,
    ),
    _s(
        "staff.link.list",
        "Link",
        "Get All Links",
        "/v2/organization/:corporation/staff/:username/link",
        5724,
    ),
    _s(
        "staff.link.get",
        "Link",
        "Get a Specific Link",
        "/v2/organization/:corporation/staff/:username/link/:id",
        5764,
    ),
    _s(
        "staff.education.list",
        "Education",
        "Get All Education",
        "/v2/organization/:corporation/staff/:username/education",
        5924,
    ),
    _s(
        "staff.education.get",
        "Education",
        "Get a Specific Education",
        "/v2/organization/:corporation/staff/:username/:id",
        5969,
    ),
    _s(
        "staff.language.list",
        "Languages",
        "Get All languages",
        "/v2/organization/:corporation/staff/:username/language/",
        6134,
    ),
    _s(
        "staff.language.get",
        "Languages",
        "Get a Specific Languages",
        "/v2/organization/:corporation/staff/:username/language/:id",
        6170,
    ),
    _s(
        "staff.category.list",
        "Categories",
        "Get All Categories",
        "/v2/organization/:corporation/staff/:username/category/",
        6322,
    ),
    _s(
        "staff.category.get",
        "Categories",
        "Get a Specific Category",
        "/v2/organization/:corporation/staff/:username/category/:id",
        6358,
    ),
    _s(
        "staff.tag.list",
        "Tags",
        "Get All Tags",
        "/v2/organization/:corporation/staff/:username/tag/",
        6472,
    ),
    _s(
        "staff.tag.get",
        "Tags",
        "Get a Specific Tag",
        "/v2/organization/:corporation/staff/:username/tag/:id",
        6508,
    ),
    _s(
        "spotlight.list",
        "Spotlights",
        "Get All Spotlights",
        "/v2/spotlight/:corporation/search",
        7068,
    ),
    _s(
        "spotlight.get",
        "Spotlights",
        "Get a Specific Spotlight",
        "/v2/spotlight/:corporation/:id",
        7134,
    ),
)
SAMPLES: dict[str, VendorSample] = {sample.name: sample for sample in _TABLE}
READS: tuple[str, ...] = tuple(s.name for s in _TABLE if s.method == "GET")


def verbatim(name: str) -> str:
    """The vendor's text for ``name``, exactly as published."""
    return SAMPLES[name].file.read_text(encoding="utf-8")


def repaired(name: str) -> str:
    """The vendor's text with each marked repair applied (valid JSON)."""
    text = verbatim(name)
    for repair in SAMPLES[name].repairs:
        if repair.old not in text:
            raise AssertionError(f"{name}: repair {repair.kind} {repair.old!r} matches nothing")
        text = text.replace(repair.old, repair.new)
    return text


def parsed(name: str) -> Any:
    """The vendor's sample for ``name`` as decoded JSON."""
    return json.loads(repaired(name))


def iter_samples(*, token: bool = True) -> Iterator[tuple[str, str, Any]]:
    """``(name, path template, parsed sample)`` for every sample, in the vendor's order.

    Args:
        token: include the token answer (``POST /v2/oauth/token``) first.
    """
    for sample in _TABLE:
        if token or sample.method == "GET":
            yield sample.name, sample.path, parsed(sample.name)


#: DOC-SL §Helper: the country and state/province code lists, verbatim, beside the samples
HELPER_FILES = ("helper.countries", "helper.states.ca", "helper.states.us")


def country_codes() -> dict[str, str]:
    """DOC-SL §Helper > Country: code -> name, in the vendor's order (its text is
    JavaScript-style, ``US : "UNITED STATES",``: read line by line, nothing repaired)."""
    text = (FOLDER / "helper.countries.json.txt").read_text(encoding="utf-8")
    pairs = re.findall(r'^\s*([A-Z]{2})\s*:\s*"([^"]*)"', text, re.MULTILINE)
    return dict(pairs)


def state_codes() -> dict[str, tuple[str, ...]]:
    """DOC-SL §Helper > State/Province: country -> its state/province codes (CA, US)."""
    return {
        country: tuple(
            json.loads((FOLDER / f"helper.states.{country.lower()}.json.txt").read_text())
        )
        for country in ("CA", "US")
    }
