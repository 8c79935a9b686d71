"""The documented return-field names (``fields=[…]``, API_REFERENCE §7.1) and their values.

Which keys come back when ``fields`` is given is not documented; the fake's
choice (see ``ASSUMPTIONS``) is the default item keys plus one key per
requested name (setting ``fields_mode="add"``), or only the requested names
(``fields_mode="only"``). Names that stand for a profile section (``article``,
``patent``, …) carry the titles of that section's items.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fake_server._data import Directory
from fake_server._profiles import sections

__all__ = ["RETURN_FIELDS", "field_values"]

#: §7.1, verbatim: the 45 valid values for ``fields``.
RETURN_FIELDS = (
    "accomplishment", "accreditation", "address", "article", "avatar_large", "avatar_medium",
    "avatar_original", "avatar_small", "book", "building", "city", "company", "corporation_id",
    "corporation_logo", "corporation_name", "corporation_username", "country", "course",
    "department", "description", "email", "event_appearance", "firstname", "fullname",
    "industry", "jobtitle", "lastname", "media_appearance", "patent", "phone_number",
    "phone_number_extension", "postal", "research_focus", "research_grant", "room",
    "slideshare", "spotlight", "state", "tagline", "talk", "testimonial", "topic", "username",
    "vimeo", "youtube",
)  # fmt: skip

_SCALAR: dict[str, Callable[[Directory, int, dict[str, Any]], Any]] = {
    "address": lambda d, i, a: a["location_address"],
    "avatar_large": lambda d, i, a: d.avatar(i)["large"],
    "avatar_medium": lambda d, i, a: d.avatar(i)["medium"],
    "avatar_original": lambda d, i, a: d.avatar(i)["original"],
    "avatar_small": lambda d, i, a: d.avatar(i)["small"],
    "building": lambda d, i, a: a["location_building"],
    "city": lambda d, i, a: a["location_city"],
    "company": lambda d, i, a: a["company"],
    "corporation_id": lambda d, i, a: d.org_id,
    "corporation_logo": lambda d, i, a: f"https://cdn.expertfile.com/logos/{d.org_id}.png",
    "corporation_name": lambda d, i, a: d.name,
    "corporation_username": lambda d, i, a: d.corporation,
    "country": lambda d, i, a: a["location_country"],
    "department": lambda d, i, a: a["department"],
    "description": lambda d, i, a: d.tagline(i),
    "email": lambda d, i, a: a["email"],
    "firstname": lambda d, i, a: a["firstname"],
    "fullname": lambda d, i, a: d.full_name(i),
    "industry": lambda d, i, a: d.industry(i),
    "jobtitle": lambda d, i, a: a["job_title"],
    "lastname": lambda d, i, a: a["lastname"],
    "phone_number": lambda d, i, a: a["phone_number"],
    "phone_number_extension": lambda d, i, a: a["phone_number_extension"],
    "postal": lambda d, i, a: a["location_postal"],
    "room": lambda d, i, a: a["location_room"],
    "state": lambda d, i, a: a["location_state"],
    "tagline": lambda d, i, a: d.tagline(i),
    "topic": lambda d, i, a: list(d.topics_of(i)),
    "username": lambda d, i, a: d.username(i),
}
#: Return fields that name a profile section → that section's segment.
_SECTION = {
    "accomplishment": "accomplishment",
    "accreditation": "affiliation",
    "article": "article",
    "book": None,
    "course": "course",
    "event_appearance": "eventappearance",
    "media_appearance": "mediaappearance",
    "patent": "patent",
    "research_focus": "researchfocus",
    "research_grant": "researchgrant",
    "slideshare": "media/slideshare",
    "spotlight": None,
    "talk": "sampletalk",
    "testimonial": "testimonial",
    "vimeo": "media/vimeo",
    "youtube": "media/youtube",
}


def field_values(d: Directory, i: int, names: tuple[str, ...]) -> dict[str, Any]:
    """The values of the return fields ``names`` for person ``i``."""
    every = sections(d, i) if names else {}
    account = every["account"][0] if names else {}
    values: dict[str, Any] = {}
    for name in names:
        if name in _SCALAR:
            values[name] = _SCALAR[name](d, i, account)
        else:
            segment = _SECTION[name]
            items = every.get(segment, []) if segment else []
            values[name] = [str(item.get("title") or item.get("name") or "") for item in items]
    return values
