"""Documented answers with concrete values, to serve verbatim from a plain ``pytest_httpserver``.

Each page has exactly the shape ``documented.py`` gives (a test checks that), with
values written by hand in the style of the vendor's samples. They are what the
client is tested on, so that it never depends on a habit of ``fake_server``.
"""

from __future__ import annotations

from typing import Any

ORG = 777
CLIENT_ID = "contract-client"
SECRET = "contract-secret-Kx9+aB/c=="
ACCESS_TOKEN = "contract-token-3f9a1c7e5b2d"

TOKEN = {
    "data": {
        "accessToken": ACCESS_TOKEN,
        "accessTokenExpiresAt": "2099-06-24T16:10:43.457Z",
        "client": CLIENT_ID,
        "user": ORG,
        "scope": True,
    },
    "success": True,
}


def _avatar(name: str) -> dict[str, str]:
    base = f"https://cdn.example.org/avatars/{name}"
    return {
        "small": f"{base}-s.jpg",
        "medium": f"{base}-m.jpg",
        "large": f"{base}-l.jpg",
        "original": f"{base}.jpg",
    }


EXPERT_ITEMS = [
    {
        "username": "peter.evans",
        "corporation": "mycorporation",
        "topics": [{"title": "Infectious Disease"}, {"title": "Genomics"}],
        "tagline": "Epidemiologist studying how outbreaks spread",
        "avatar": _avatar("peter.evans"),
    },
    {
        "username": "ana.lima",
        "corporation": "mycorporation",
        "topics": [],
        "tagline": "",
        "avatar": _avatar("ana.lima"),
    },
    {
        "username": "kenji.sato",
        "corporation": "mycorporation",
        "topics": [{"title": "Robotics"}],
        "tagline": "Builds robots that walk",
        "avatar": _avatar("kenji.sato"),
    },
]
EXPERT_AGGREGATIONS: dict[str, Any] = {}  # empty in the documented sample

STAFF_ITEMS = [
    {
        "username": "peter.evans",
        "corporation": "mycorporation",
        "tagline": "Epidemiologist studying how outbreaks spread",
        "avatar": _avatar("peter.evans"),
    },
    {
        "username": "mira.okafor",
        "corporation": "mycorporation",
        "tagline": "Media relations",
        "avatar": _avatar("mira.okafor"),
    },
]

SPOTLIGHT_ITEMS = [
    {
        "spotlight_title": "New vaccine trial starts in spring",
        "tags": ["vaccines", "health"],
        "tagged_experts": ["peter.evans"],
        "created_date": 1700000000,
        "modified_date": 1700003600,
        "published_date": 1700007200,
        "corporation_id": ORG,
        "assets": [],
        "id": 9001,
        "published": 1,
        "year": "2023",
        "year-month": "2023-11",
    },
    {
        "spotlight_title": "Robots that walk",
        "tags": [],
        "tagged_experts": [],
        "created_date": 1600000000,
        "modified_date": 1600000000,
        "published_date": 1600086400,
        "corporation_id": ORG,
        "assets": [],
        "id": 9002,
        "published": 0,
        "year": "2020",
        "year-month": "2020-09",
    },
]
SPOTLIGHT_AGGREGATIONS: dict[str, Any] = {
    "year": {"2023": 1, "2020": 1},
    "tagged_experts": [],
    "tags": [],
}


def expert_page(items: list[dict[str, Any]] = EXPERT_ITEMS, total: int | None = None) -> Any:
    return {
        "data": {
            "experts": items,
            "total": len(items) if total is None else total,
            "aggregations": EXPERT_AGGREGATIONS,
        },
        "success": True,
    }


def staff_page(items: list[dict[str, Any]] = STAFF_ITEMS, total: int | None = None) -> Any:
    return {
        "data": {"staff": items, "total": len(items) if total is None else total},
        "success": True,
    }


def spotlight_page(items: list[dict[str, Any]] = SPOTLIGHT_ITEMS, total: int | None = None) -> Any:
    return {
        "data": {
            "spotlights": items,
            "aggregations": SPOTLIGHT_AGGREGATIONS,
            "total": len(items) if total is None else total,
        },
        "success": True,
    }


CORPORATION_PROFILE = {
    "id": 31,
    "name": "My Corporation",
    "user_name": "mycorporation",
    "description": "A research university",
    "location_country": "CA",
    "location_state": "ON",
    "location_city": "Toronto",
    "location_postal": "M5S 1A1",
    "location_address": "1 King's College Circle",
    "website": "https://example.org",
    "private_username": "mycorp",
}

EXPERT_PROFILE = {
    "data": {
        "accomplishment": [
            {
                "id": 11,
                "title": "Fellow of the Royal Society",
                "description": "Elected 2019",
                "start": 1546300800,
                "end": 1577836800,
                "type": 71,
            }
        ],
        "account": [
            {
                "id": 5,
                "firstname": "Peter",
                "lastname": "Evans",
                "corporation_id": ORG,
                "job_title": "Professor of Epidemiology",
                "gener": 1,
                "location_city": "Toronto",
                "location_state": "ON",
                "location_country": "CA",
                "location_postal": "M5S 1A1",
                "location_address": "155 College St",
                "email": "peter.evans@example.org",
                "company": "My Corporation",
                "phone_number": "+1 416 555 0100",
                "username": "peter.evans",
            }
        ],
        "affiliation": [{"id": 3, "name": "WHO", "notes": "Advisor", "link": "https://who.int"}],
        "article": [],
        "assessment": [],
        "availability": [
            {
                "availability_keynote": 1,
                "availability_moderator": 0,
                "availability_panelist": 1,
                "availability_workshop": 0,
                "availability_host_mc": 0,
                "availability_appearance": 1,
                "availability_corptraining": 0,
                "availability_open": 1,
            }
        ],
        "book": [],
        "biography": [{"biography": "Peter studies how outbreaks spread."}],
        "course": [],
        "corporationProfile": [CORPORATION_PROFILE],
        "corporationSocial": [
            {"twitter": "@mycorp", "facebook": "", "linkedin": "mycorp", "gplus": ""}
        ],
        "eventAppearance": [
            {
                "id": 21,
                "title": "Keynote",
                "event_name": "Outbreaks 2024",
                "location": "Geneva",
                "date": 1717200000,
                "time_zone": "Europe/Zurich",
                "time": "09:00",
            }
        ],
        "education": [
            {
                "id": 7,
                "institution": "McGill University",
                "degree": "PhD",
                "description": "Thesis on measles",
                "major": "Epidemiology",
                "date": 1998,
            }
        ],
        "document": [],
        "video": [],
        "language": [],
        "partnership": [],
        "industry": [{"name": "Health Care", "id": "1"}],
        "patents": [],
        "news": [
            {
                "spotlight_title": "New vaccine trial starts in spring",
                "spotlight_text": "A trial ...",
                "news_title": "Vaccine trial",
                "news_description": "Peter comments",
                "news_date": 1700007200,
                "image_url": "https://cdn.example.org/news/1.jpg",
                "news_id": 9001,
            }
        ],
    },
    "success": True,
}

EXPERT_EDUCATION = {"data": EXPERT_PROFILE["data"]["education"], "success": True}
EXPERT_EDUCATION_ONE = {"data": EXPERT_PROFILE["data"]["education"][:1], "success": True}

STAFF_PROFILE = {
    "data": {
        "avatar": [],
        "account": [
            {
                "id": 8,
                "firstname": "Mira",
                "lastname": "Okafor",
                "corporation_id": ORG,
                "job_title": "Media Relations Officer",
                "location_city": "Toronto",
                "location_state": "ON",
                "location_country": "CA",
                "location_postal": "M5S 1A1",
                "location_address": "27 King's College Circle",
                "location_building": "Simcoe Hall",
                "location_room": "112",
                "email": "mira.okafor@example.org",
                "company": "My Corporation",
                "department": "Communications",
                "phone_number": "+1 416 555 0101",
                "phone_number_extension": "12",
                "username": "mira.okafor",
                "is_published": 1,
            }
        ],
        "biography": [{"biography": "Mira connects journalists with experts."}],
        "category": [],
        "corporationprofile": [CORPORATION_PROFILE],
        "education": [],
        "language": [],
        "link": [],
        "profiletype": [],
        "tag": [],
        "tagline": [{"tagline": "Media relations"}],
    },
    "success": True,
}

SPOTLIGHT_ONE = {
    "data": {
        "spotlight": [
            {
                "id": 9001,
                "title": "New vaccine trial starts in spring",
                "corporation_id": ORG,
                "featured_image": "https://cdn.example.org/spotlights/9001.jpg",
                "enabled": 1,
                "published": 1,
                "published_date": 1700007200,
                "created": 1700000000,
                "html": "<p>A trial ...</p>",
                "reading_time": 3,
                "tagged_experts": ["peter.evans"],
                "tags": ["vaccines"],
            }
        ]
    },
    "success": True,
}
