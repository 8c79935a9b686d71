"""Deterministic synthetic spotlights (news, events, publications) of one organization.

Each spotlight is a few small integers (creation time, topic, kind, published,
two tagged experts), spread over 2019-2026; the documented dicts are built when
a page is served.
"""

from __future__ import annotations

import random
import time
from array import array
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from fake_server._words import SPOTLIGHT_TAGS, SPOTLIGHT_TEMPLATES, TOPICS


class People(Protocol):
    """What the spotlights need of the organization's people (a ``_data.Directory``)."""

    count: int
    org_id: int
    name: str

    def username(self, i: int) -> str: ...


__all__ = ["SpotlightQuery", "Spotlights"]

#: 2019-01-01T00:00:00Z and 2026-06-30T00:00:00Z: spotlights are spread between them.
FIRST_DAY, LAST_DAY = 1_546_300_800, 1_782_777_600
_DAY = 86_400


def _slug(text: str) -> str:
    return text.lower().replace(" ", "-")


@dataclass(frozen=True)
class SpotlightQuery:
    """A normalized search over spotlights."""

    q: str = ""
    status: str = "all"
    tags: tuple[str, ...] = ()
    tagged: tuple[str, ...] = ()
    month: int | None = None
    year: int | None = None


class Spotlights:
    """The spotlights of ``people``'s organization: one for every two experts."""

    def __init__(self, people: People, rng: random.Random) -> None:
        self._people = people
        spotlights = people.count // 2
        self.count = spotlights
        span = (LAST_DAY - FIRST_DAY) // max(spotlights, 1)
        self._created = array(
            "I", (FIRST_DAY + i * span + rng.randrange(max(span, 1)) for i in range(spotlights))
        )
        self._topic = array("B", (rng.randrange(len(TOPICS)) for _ in range(spotlights)))
        self._kind = array(
            "B", (rng.randrange(len(SPOTLIGHT_TEMPLATES)) for _ in range(spotlights))
        )
        self._published = array("B", (rng.random() < 0.85 for _ in range(spotlights)))
        tagged_pool = max(people.count, 1)
        self._tagged = array("I", (rng.randrange(tagged_pool) for _ in range(2 * spotlights)))
        self._cache: Callable[[SpotlightQuery], tuple[Sequence[int], dict[str, Any]]] = lru_cache(
            maxsize=64
        )(self._match)

    def id_of(self, s: int) -> int:
        return 100_000 + s

    def index_of(self, spotlight_id: str) -> int | None:
        if not spotlight_id.isascii() or not spotlight_id.isdigit() or len(spotlight_id) > 9:
            return None
        s = int(spotlight_id) - 100_000
        return s if 0 <= s < self.count else None

    def topic(self, s: int) -> str:
        return TOPICS[self._topic[s]]

    def title(self, s: int) -> str:
        topic = TOPICS[self._topic[s]]
        return SPOTLIGHT_TEMPLATES[self._kind[s]].format(topic=topic)

    def tags(self, s: int) -> list[str]:
        return [_slug(TOPICS[self._topic[s]]), SPOTLIGHT_TAGS[self._kind[s]]]

    def tagged(self, s: int) -> list[str]:
        if not self._people.count:
            return []
        first, second = self._tagged[2 * s], self._tagged[2 * s + 1]
        return [self._people.username(i) for i in dict.fromkeys((first, second))]

    def dates(self, s: int) -> tuple[int, int, int]:
        """(created, modified, published), Unix seconds."""
        created = self._created[s]
        published = created + (s % 5) * 3_600
        modified = published + (s % 11) * _DAY
        return created, modified, published

    def published(self, s: int) -> int:
        return int(self._published[s])

    def item(self, s: int) -> dict[str, Any]:
        """The documented spotlight list item."""
        created, modified, published = self.dates(s)
        month = _year_month(published)
        spotlight_id = self.id_of(s)
        return {
            "spotlight_title": self.title(s),
            "tags": self.tags(s),
            "tagged_experts": self.tagged(s),
            "created_date": created,
            "modified_date": modified,
            "published_date": published,
            "corporation_id": self._people.org_id,
            "assets": [
                f"https://cdn.expertfile.com/spotlights/{self._people.org_id}/{spotlight_id}.jpg"
            ],
            "id": spotlight_id,
            "published": self.published(s),
            "year": month[:4],
            "year-month": month,
        }

    def record(self, s: int) -> dict[str, Any]:
        """The documented single-spotlight record."""
        created, _modified, published = self.dates(s)
        title = self.title(s)
        spotlight_id = self.id_of(s)
        return {
            "id": spotlight_id,
            "title": title,
            "corporation_id": self._people.org_id,
            "featured_image": f"https://cdn.expertfile.com/spotlights/{self._people.org_id}/{spotlight_id}.jpg",
            "enabled": 1,
            "published": self.published(s),
            "published_date": published,
            "created": created,
            "html": f"<h1>{title}</h1><p>{self._people.name} experts on {self.topic(s)}.</p>",
            "reading_time": 2 + s % 7,
            "tagged_experts": self.tagged(s),
            "tags": self.tags(s),
        }

    def search(self, query: SpotlightQuery) -> tuple[Sequence[int], dict[str, Any]]:
        """Indices of the matching spotlights, newest first, and the aggregations."""
        return self._cache(query)

    def _match(self, query: SpotlightQuery) -> tuple[Sequence[int], dict[str, Any]]:
        want = {"published": 1, "unpublished": 0}.get(query.status)
        tags = {t.lower() for t in query.tags}
        tagged = {t.lower() for t in query.tagged}
        needle = query.q.strip().lower()
        hits: list[int] = []
        for s in range(self.count):
            if want is not None and self._published[s] != want:
                continue
            if query.year is not None or query.month is not None:
                year, month = map(int, _year_month(self.dates(s)[2]).split("-"))
                if query.year is not None and year != query.year:
                    continue
                if query.month is not None and month != query.month:
                    continue
            if tags and not tags.intersection(self.tags(s)):
                continue
            if tagged and not tagged.intersection(self.tagged(s)):
                continue
            if needle and needle not in " ".join((self.title(s), *self.tags(s))).lower():
                continue
            hits.append(s)
        hits.sort(key=lambda s: (-self.dates(s)[2], s))
        years = Counter(_year_month(self.dates(s)[2])[:4] for s in hits)
        people = Counter(u for s in hits for u in self.tagged(s))
        tag_counts = Counter(t for s in hits for t in self.tags(s))
        aggregations = {
            "year": dict(sorted(years.items())),
            "tagged_experts": [{"key": k, "doc_count": n} for k, n in people.most_common(10)],
            "tags": [{"key": k, "doc_count": n} for k, n in tag_counts.most_common(10)],
        }
        return array("I", hits), aggregations


def _year_month(epoch: int) -> str:
    t = time.gmtime(epoch)
    return f"{t.tm_year:04d}-{t.tm_mon:02d}"
