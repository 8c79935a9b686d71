"""Deterministic synthetic organizations: the people (experts and staff), and their spotlights.

A :class:`Directory` holds one organization. It keeps each record as a handful
of small integers (indices into the word lists of ``_words``) and builds the
JSON-ready dict only when a page is served, so 100,000 experts stay well under
100 MB. People ``0 … count-1`` are the experts; the staff list holds them and
one more person in four who is staff only (the documents: the staff list
"returns both staff users and experts").
"""

from __future__ import annotations

import random
from array import array
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from fake_server._spotlights import Spotlights
from fake_server._words import (
    CATEGORIES,
    COMPANIES,
    FIRST_NAMES,
    INDUSTRIES,
    JOB_TITLES,
    LAST_NAMES,
    ORGANIZATIONS,
    PLACES,
    STAFF_COMPANY,
    STAFF_TITLES,
    TOPICS,
)

__all__ = ["Directory", "PeopleQuery", "slug"]

UNPUBLISHED, PRIVATE, FEATURED = 1, 2, 4


def slug(text: str) -> str:
    """``"Climate Change"`` → ``"climate-change"``."""
    return text.lower().replace(" ", "-")


@dataclass(frozen=True)
class PeopleQuery:
    """A normalized search over experts (``staff=False``) or the staff list (``staff=True``)."""

    staff: bool = False
    q: str = ""
    searchfield: str = ""
    access: str = "public"
    status: str = "all"
    countries: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    companies: tuple[str, ...] = ()
    sort: str = "name"
    name_order: str = "last"  # sort=name: by last name then first ("first": the reverse)


class Directory:
    """One organization's synthetic data, deterministic for ``(org_id, seed, count)``."""

    def __init__(self, org_id: int, count: int, seed: int = 0) -> None:
        self.org_id = org_id
        self.seed = seed
        self.count = count
        self.people = count + count // 4
        self.name = ORGANIZATIONS[org_id % len(ORGANIZATIONS)]
        self.corporation = slug(self.name)
        rng = random.Random(f"{seed}:{org_id}")  # noqa: S311 -- synthetic data, not secrets
        n, n_topics = self.people, len(TOPICS)

        def draw(code: str, size: int, k: int = 0) -> array[int]:
            return array(code, (rng.randrange(size) for _ in range(k or n)))

        self._first = draw("H", len(FIRST_NAMES))
        self._last = draw("H", len(LAST_NAMES))
        self._place = draw("B", len(PLACES))
        self._job = draw("B", len(JOB_TITLES))
        self._industry = draw("B", len(INDUSTRIES))
        self._category = draw("B", len(CATEGORIES))
        self._company = draw("B", len(COMPANIES))
        # three distinct topics each, packed as one integer per person
        self._topics = array(
            "I",
            (
                a * n_topics * n_topics + b * n_topics + c
                for a, b, c in (rng.sample(range(n_topics), 3) for _ in range(n))
            ),
        )
        # unpublished 1 in 10, private 1 in 8, featured 1 in 20
        self._flags = array(
            "B",
            (
                (rng.random() < 0.1) * UNPUBLISHED
                | (rng.random() < 0.125) * PRIVATE
                | (rng.random() < 0.05) * FEATURED
                for _ in range(n)
            ),
        )
        self._people_cache: Callable[[PeopleQuery], tuple[Sequence[int], dict[str, Any]]] = (
            lru_cache(maxsize=64)(self._match_people)
        )
        self.spotlights = Spotlights(self, rng)
        self._usernames: dict[str, int] | None = None

    # -- people -----------------------------------------------------------
    def is_expert(self, i: int) -> bool:
        return i < self.count

    def first_name(self, i: int) -> str:
        return FIRST_NAMES[self._first[i]]

    def last_name(self, i: int) -> str:
        return LAST_NAMES[self._last[i]]

    def full_name(self, i: int) -> str:
        return f"{self.first_name(i)} {self.last_name(i)}"

    def topics_of(self, i: int) -> tuple[str, str, str]:
        packed, n = self._topics[i], len(TOPICS)
        return TOPICS[packed // (n * n)], TOPICS[packed // n % n], TOPICS[packed % n]

    def tags_of(self, i: int) -> tuple[str, ...]:
        return (slug(self.topics_of(i)[0]),)

    def place(self, i: int) -> tuple[str, str, str]:
        """(country code, state, city)."""
        return PLACES[self._place[i]]

    def job_title(self, i: int) -> str:
        if self.is_expert(i):
            return JOB_TITLES[self._job[i]]
        return STAFF_TITLES[self._job[i] % len(STAFF_TITLES)]

    def company(self, i: int) -> str:
        return COMPANIES[self._company[i]] if self.is_expert(i) else STAFF_COMPANY

    def industry(self, i: int) -> str:
        return INDUSTRIES[self._industry[i]]

    def category(self, i: int) -> str:
        return CATEGORIES[self._category[i]]

    def flags(self, i: int) -> int:
        return self._flags[i]

    def username(self, i: int) -> str:
        if self.is_expert(i):
            return f"{self.first_name(i)}-{self.last_name(i)}-{i + 1}".lower()
        return f"{self.first_name(i)}-{self.last_name(i)}-staff-{i - self.count + 1}".lower()

    def index_of(self, username: str) -> int | None:
        """The position of ``username`` among the people, or ``None`` (built on first use)."""
        if self._usernames is None:
            self._usernames = {self.username(i): i for i in range(self.people)}
        return self._usernames.get(username)

    def tagline(self, i: int) -> str:
        if not self.is_expert(i):
            return f"{self.job_title(i)} at {self.name}"
        t = self.topics_of(i)
        return f"{self.job_title(i)} who studies {t[0]} and {t[1]}"

    def avatar(self, i: int) -> dict[str, str]:
        base = f"https://cdn.expertfile.com/avatars/{self.org_id}/{self.username(i)}"
        return {size: f"{base}-{size}.jpg" for size in ("small", "medium", "large", "original")}

    def expert_item(self, i: int) -> dict[str, Any]:
        """The documented expert list item."""
        return {
            "username": self.username(i),
            "corporation": self.corporation,
            "topics": [{"title": t} for t in self.topics_of(i)],
            "tagline": self.tagline(i),
            "avatar": self.avatar(i),
        }

    def staff_item(self, i: int) -> dict[str, Any]:
        """The documented staff list item."""
        return {
            "username": self.username(i),
            "corporation": self.corporation,
            "tagline": self.tagline(i),
            "avatar": self.avatar(i),
        }

    def search_people(self, query: PeopleQuery) -> tuple[Sequence[int], dict[str, Any]]:
        """Indices of the people matching ``query``, in order, and the aggregations."""
        return self._people_cache(query)

    def _match_people(self, query: PeopleQuery) -> tuple[Sequence[int], dict[str, Any]]:
        want_status = {"published": 0, "unpublished": UNPUBLISHED}.get(query.status)
        want_private = {"public": 0, "private": PRIVATE}.get(query.access)
        countries = {c.upper() for c in query.countries}
        topics = {t.lower() for t in query.topics}
        industries = {t.lower() for t in query.industries}
        categories = {t.lower() for t in query.categories}
        tags = {t.lower() for t in query.tags}
        companies = {c.lower() for c in query.companies}
        needle = query.q.strip().lower()
        hits: list[int] = []
        for i in range(self.people if query.staff else self.count):
            flags = self._flags[i]
            if want_status is not None and flags & UNPUBLISHED != want_status:
                continue
            if want_private is not None and flags & PRIVATE != want_private:
                continue
            if countries and self.place(i)[0] not in countries:
                continue
            if topics and not topics.intersection(t.lower() for t in self.topics_of(i)):
                continue
            if industries and self.industry(i).lower() not in industries:
                continue
            if categories and self.category(i).lower() not in categories:
                continue
            if tags and not tags.intersection(self.tags_of(i)):
                continue
            if companies and self.company(i).lower() not in companies:
                continue
            if needle:
                text = self.full_name(i)
                if query.searchfield != "fullname":
                    text = " ".join((text, self.tagline(i), *self.topics_of(i)))
                if needle not in text.lower():
                    continue
            hits.append(i)

        def by_name(i: int) -> tuple[str, str, int]:
            if query.name_order == "first":
                return self.first_name(i), self.last_name(i), i
            return self.last_name(i), self.first_name(i), i

        if query.sort == "featured":
            hits.sort(key=lambda i: (not self._flags[i] & FEATURED, by_name(i)))
        else:
            hits.sort(key=by_name)
        aggregations: dict[str, Any] = {}
        if not query.staff:
            by_country = Counter(self.place(i)[0] for i in hits)
            by_topic = Counter(t for i in hits for t in self.topics_of(i))
            aggregations = {
                name: {"buckets": [{"key": k, "doc_count": n} for k, n in counts.most_common(10)]}
                for name, counts in (("countries", by_country), ("topics", by_topic))
            }
        return array("I", hits), aggregations
