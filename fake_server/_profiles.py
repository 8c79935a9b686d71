"""Profiles: the sections of one expert or staff member, made up and shaped as documented.

One generator makes every section's items for a person, deterministic for the
person, with the union of the keys the documents show anywhere; each documented
read then keeps the keys its layout (``_layouts``) documents.
"""

from __future__ import annotations

import random
from typing import Any

from fake_server._data import Directory, slug
from fake_server._layouts import (
    EXPERT_PROFILE,
    EXPERT_SEGMENTS,
    INFERRED_EXPERT_SECTIONS,
    STAFF_PROFILE,
    STAFF_SEGMENTS,
    Layout,
)
from fake_server._words import CATEGORIES, DEGREES, INDUSTRIES, LANGUAGES, TOPICS

__all__ = [
    "EXPERT_SEGMENTS",
    "STAFF_SEGMENTS",
    "expert_profile",
    "sections",
    "segment_items",
    "staff_profile",
]

INDUSTRY_IDS = {name: n + 1 for n, name in enumerate(INDUSTRIES)}


def _generate(d: Directory, i: int) -> dict[str, list[dict[str, Any]]]:
    """Every section's items for person ``i``, with every key any document shows."""
    rng = random.Random(f"{d.seed}:{d.org_id}:profile:{i}")  # noqa: S311 -- synthetic data
    user = d.username(i)
    country, state, city = d.place(i)
    first, last = d.first_name(i), d.last_name(i)
    topics = d.topics_of(i)
    web = f"https://www.example.org/{d.corporation}/{user}"
    next_id = iter(range(i * 1_000 + 1, i * 1_000 + 1_000))

    def year(lo: int = 1990, hi: int = 2020) -> int:
        return rng.randrange(lo, hi)

    def when() -> int:  # a Unix time between 2012 and 2026
        return rng.randrange(1_325_376_000, 1_767_225_600)

    def span() -> dict[str, int]:  # two draws, as before, in order: it ends after it starts
        start, end = sorted((when(), when()))
        return {"start": start, "end": end}

    def some(k_max: int, make: Any, k_min: int = 0) -> list[dict[str, Any]]:
        return [make(n) for n in range(rng.randint(k_min, k_max))]

    def titled(n: int, extra: dict[str, Any] | None = None) -> dict[str, Any]:
        topic = topics[n % 3]
        return {
            "id": next(next_id),
            "title": f"{topic}: {('new findings', 'a primer', 'what comes next')[n % 3]}",
            "subtitle": f"{first} {last} on {topic}",
            "description": f"{first} {last} on {topic.lower()} for a general audience.",
            "details": f"A piece on {topic.lower()}.",
            "detail": f"A method in {topic.lower()}.",
            "url": f"{web}/{slug(topic)}-{n + 1}",
            "date": when(),
            "organization": f"{d.name} Press",
            **(extra or {}),
        }

    video = lambda n: titled(  # noqa: E731 -- a small item maker
        n,
        {
            "watch_page_url": f"https://www.youtube.com/watch?v=v{i}x{n}",
            "thumbnail_url": f"https://img.youtube.com/vi/v{i}x{n}/0.jpg",
            "flash_player_url": f"https://www.youtube.com/v/v{i}x{n}",
            "video_id": f"v{i}x{n}",
            "thumbnail_alt_title": f"{first} {last}",
        },
    )
    is_expert = d.is_expert(i)
    sections: dict[str, list[dict[str, Any]]] = {
        "account": [
            {
                "id": 10_000 + i,
                "firstname": first,
                "lastname": last,
                "corporation_id": d.org_id,
                "job_title": d.job_title(i),
                "gener": rng.randint(0, 2),
                "location_city": city,
                "location_state": state,
                "location_country": country,
                "location_postal": f"{rng.randrange(10_000, 99_999)}",
                "location_address": f"{rng.randrange(1, 999)} College Street",
                "location_building": "Main Hall",
                "location_room": f"{rng.randrange(100, 599)}",
                "email": f"{user}@example.org",
                "company": d.company(i),
                "department": d.company(i),
                "phone_number": f"+1 555 {rng.randrange(1_000_000, 9_999_999)}",
                "phone_number_extension": f"{rng.randrange(100, 999)}",
                "username": user,
                "is_published": 0 if d.flags(i) & 1 else 1,
            }
        ],
        "biography": [
            {"biography": f"{first} {last}, {d.tagline(i)[0].lower()}{d.tagline(i)[1:]}."}
        ],
        "tagline": [{"tagline": d.tagline(i)}],
        "avatar": [d.avatar(i)],
        "education": some(
            3,
            lambda n: {
                "id": next(next_id),
                "institution": f"University of {d.place((i + n + 1) % d.people)[2]}",
                "degree": rng.choice(DEGREES),
                "description": f"Thesis on {topics[n % 3].lower()}.",
                "major": topics[n % 3],
                "date": year(),
            },
            k_min=1,
        ),
        "industry": [{"id": INDUSTRY_IDS[d.industry(i)], "name": d.industry(i)}],
        "profile/industry": [{"id": str(INDUSTRY_IDS[d.industry(i)]), "name": d.industry(i)}],
        "topic": [{"id": TOPICS.index(t) + 1, "name": t} for t in topics],
        "category": [{"id": CATEGORIES.index(d.category(i)) + 1, "name": d.category(i)}],
        "tag": [
            {"id": next(next_id), "content_tag_id": TOPICS.index(topics[0]) + 1, "tag": t}
            for t in d.tags_of(i)
        ],
        "language": [
            {"id": LANGUAGES.index(name) + 1, "name": name}
            for name in dict.fromkeys(("English", rng.choice(LANGUAGES)))
        ],
        "link": [{"id": next(next_id), "name": "Faculty page", "url": web}],
        "profiletype": [{"id": 1 if is_expert else 2, "name": "expert" if is_expert else "staff"}],
        "corporationprofile": [
            {
                "id": d.org_id,
                "name": d.name,
                "user_name": d.corporation,
                "description": f"{d.name} and its experts.",
                "location_country": "US",
                "location_state": "NY",
                "location_city": "New York",
                "location_postal": "10001",
                "location_address": "1 University Plaza",
                "website": f"https://www.example.org/{d.corporation}",
                "private_username": f"{d.corporation}-private",
            }
        ],
        "assessment": [],
        "book": [],
    }
    if is_expert:
        social = {name: f"https://{name}.example.com/{user}" for name in EXPERT_SEGMENTS["social"]}
        sections |= {
            "accomplishment": some(
                2,
                lambda n: titled(n, {**span(), "type": (71, 73)[n % 2]}),
            ),
            "affiliation": some(
                2,
                lambda n: {
                    "id": next(next_id),
                    "name": f"{('American', 'International', 'National')[n % 3]} Society of "
                    f"{topics[n % 3]}",
                    "notes": "Member",
                    "link": f"https://www.example.org/society/{slug(topics[n % 3])}",
                },
            ),
            "availability": [{flag: rng.randint(0, 1) for flag in EXPERT_SEGMENTS["availability"]}],
            "social": [social],
            "eventappearance": some(
                2,
                lambda n: titled(
                    n,
                    {
                        "event_name": f"{topics[n % 3]} Summit",
                        "location": d.place((i + n) % d.people)[2],
                        "time_zone": "America/New_York",
                        "time": f"{rng.randrange(8, 18):02d}:00",
                    },
                ),
            ),
            "media/document": some(1, video),  # documented with the YouTube keys (copied)
            "media/video": some(1, video),
            "media/youtube": some(2, video),
            "media/vimeo": some(
                1,
                lambda n: titled(
                    n,
                    {
                        "external_id": f"{i}{n}",
                        "thumbnail_small": f"https://i.vimeocdn.com/{i}{n}.jpg",
                        "thumbnail_alt_title": last,
                    },
                ),
            ),
            "media/slideshare": some(
                1,
                lambda n: titled(
                    n,
                    {
                        "embed": f"<iframe src='https://www.slideshare.net/slideshow/embed_code/{i}{n}'></iframe>",
                        "thumbnail_url": f"https://image.slidesharecdn.com/{i}{n}.jpg",
                        "external_id": f"{i}{n}",
                    },
                ),
            ),
            "media/photo": some(1, video),
            "partnership": some(1, lambda n: titled(n, {"individual": f"{first} {last}"})),
            "patent": some(
                1, lambda n: titled(n, {"number": f"US{rng.randrange(7_000_000, 11_000_000)}"})
            ),
            "article": some(
                2,
                lambda n: titled(n, {"publisher": f"{d.name} Press", "authors": f"{first} {last}"}),
            ),
            "course": some(1, titled),
            "sampletalk": some(2, titled),
            "mediaappearance": some(
                2,
                lambda n: titled(
                    n,
                    {
                        "type": ("print", "online", "tv", "radio")[n % 4],
                        "cover_url": f"{web}/cover-{n}.jpg",
                        "large_cover_url": f"{web}/cover-{n}-large.jpg",
                        "cover_alt_title": f"{first} {last} on air",
                    },
                ),
            ),
            "testimonial": some(
                1,
                lambda n: titled(
                    n,
                    {
                        "name": "Jordan Reyes",
                        "email": "jordan.reyes@example.com",
                        "company": "Example News",
                        "recommendation": f"{first} explains {topics[0].lower()} clearly.",
                    },
                ),
            ),
            "researchgrant": some(
                1, lambda n: titled(n, {"amount": f"{rng.randrange(10, 900) * 1000}"})
            ),
            "researchfocus": some(
                1,
                lambda n: titled(
                    n,
                    {
                        "cover_url": f"{web}/focus-{n}.jpg",
                        "large_cover_url": f"{web}/focus-{n}-large.jpg",
                        "cover_alt_title": topics[n % 3],
                    },
                ),
            ),
            "fee": [{"fee_min": 1_000 * rng.randint(1, 5), "fee_max": 1_000 * rng.randint(6, 20)}],
            "cv": [{"id": str(next(next_id)), "url": f"{web}/cv", "document_url": f"{web}/cv.pdf"}],
            "news": some(
                2,
                lambda n: {
                    "spotlight_title": f"In the news: {topics[n % 3]}",
                    "spotlight_text": f"{first} {last} spoke about {topics[n % 3].lower()}.",
                    "news_title": f"What {topics[n % 3]} means now",
                    "news_description": f"An interview with {first} {last}.",
                    "news_date": when(),
                    "image_url": f"{web}/news-{n}.jpg",
                    "news_id": next(next_id),
                },
            ),
        }
    return sections


def _project(items: list[dict[str, Any]], keys: tuple[str, ...]) -> list[dict[str, Any]]:
    return [{k: item[k] for k in keys} for item in items]


def _profile(d: Directory, i: int, layout: Layout) -> dict[str, list[dict[str, Any]]]:
    sections = _generate(d, i)
    return {
        name: _project(sections.get(source, []), keys) for name, (source, keys) in layout.items()
    }


#: profile sections whose items no document shows (the fake's guesses; see guessed_items)
GUESSED_SECTIONS = ("avatar", "profiletype")


def _guessed(profile: dict[str, list[dict[str, Any]]], fill: bool) -> dict[str, Any]:
    return profile if fill else profile | {k: [] for k in GUESSED_SECTIONS if k in profile}


def expert_profile(
    d: Directory, i: int, *, inferred: bool = True, fill: bool = True
) -> dict[str, list[dict[str, Any]]]:
    """The profile of expert ``i``: the documented sections, then the inferred ones.

    Args:
        d: the organization.
        i: the expert.
        inferred: add the sections the documented sample lacks (avatar, tagline, …).
        fill: fill avatar and profiletype with the fake's guesses (else ``[]``, as documented).
    """
    layout = EXPERT_PROFILE | INFERRED_EXPERT_SECTIONS if inferred else EXPERT_PROFILE
    return _guessed(_profile(d, i, layout), fill)


def staff_profile(d: Directory, i: int, *, fill: bool = True) -> dict[str, list[dict[str, Any]]]:
    """The profile of staff member ``i`` (an expert or staff only), as the current site names it.

    Args:
        d: the organization.
        i: the person.
        fill: fill avatar and profiletype with the fake's guesses (else ``[]``, as documented).
    """
    return _guessed(_profile(d, i, STAFF_PROFILE), fill)


def sections(d: Directory, i: int) -> dict[str, list[dict[str, Any]]]:
    """Every section of person ``i``, items with every key any document shows."""
    return _generate(d, i)


#: the older reference's affiliation item (the current site's has id and name only)
SLATE_AFFILIATION = ("id", "name", "notes", "link")


def segment_items(
    d: Directory, i: int, segment: str, *, slate: bool = False
) -> list[dict[str, Any]]:
    """The items of one sub-resource (``education``, ``media/youtube``, …) of person ``i``.

    ``slate``: an affiliation keeps the older reference's ``notes`` and ``link``.
    """
    keys = SLATE_AFFILIATION if slate and segment == "affiliation" else EXPERT_SEGMENTS[segment]
    return _project(_generate(d, i).get(segment, []), keys)
