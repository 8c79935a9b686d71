"""Deterministic synthetic records for the fake server.

A :class:`Directory` holds one organization's experts, staff and spotlights.
It keeps each record as a handful of small integers (indices into the word
lists below) and builds the JSON-ready dict only when a page is served, so
100,000 experts stay well under 100 MB.
"""

from __future__ import annotations

import json
import random
from array import array
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

FIRST_NAMES = [
    "Ada",
    "Alan",
    "Amara",
    "Ana",
    "Anil",
    "Beatriz",
    "Bruno",
    "Carmen",
    "Chen",
    "Chiara",
    "Dana",
    "David",
    "Elena",
    "Emeka",
    "Erik",
    "Fatima",
    "Felix",
    "Grace",
    "Hana",
    "Hugo",
    "Ines",
    "Ivan",
    "Jamal",
    "Jana",
    "Javier",
    "Julia",
    "Kenji",
    "Kofi",
    "Lars",
    "Layla",
    "Leila",
    "Luca",
    "Maya",
    "Mateo",
    "Mei",
    "Mira",
    "Nadia",
    "Nils",
    "Noor",
    "Omar",
    "Paula",
    "Priya",
    "Rafael",
    "Rosa",
    "Sami",
    "Sara",
    "Sofia",
    "Tariq",
    "Thomas",
    "Uma",
    "Vera",
    "Wei",
    "Yara",
    "Yusuf",
    "Zoe",
]
LAST_NAMES = [
    "Abbott",
    "Adeyemi",
    "Alvarez",
    "Andersen",
    "Bauer",
    "Bianchi",
    "Brown",
    "Castro",
    "Chen",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Gupta",
    "Haddad",
    "Hansen",
    "Hoang",
    "Ibrahim",
    "Ito",
    "Jensen",
    "Kaur",
    "Khan",
    "Kim",
    "Kowalski",
    "Larsen",
    "Lopez",
    "Martin",
    "Meyer",
    "Moreau",
    "Mueller",
    "Nakamura",
    "Nguyen",
    "Novak",
    "Okafor",
    "Oliveira",
    "Patel",
    "Petrov",
    "Quinn",
    "Rossi",
    "Santos",
    "Schmidt",
    "Silva",
    "Singh",
    "Smith",
    "Sato",
    "Tanaka",
    "Torres",
    "Urban",
    "Varga",
    "Wagner",
    "Wang",
    "Weber",
    "Yilmaz",
    "Young",
    "Zhang",
]
TOPICS = (
    "Artificial Intelligence",
    "Climate Change",
    "Public Health",
    "Cybersecurity",
    "Economics",
    "Elections",
    "Energy Policy",
    "Genomics",
    "Higher Education",
    "Immigration",
    "Infectious Disease",
    "Labor Markets",
    "Machine Learning",
    "Marine Biology",
    "Mental Health",
    "Nutrition",
    "Oncology",
    "Quantum Computing",
    "Renewable Energy",
    "Robotics",
    "Social Media",
    "Space Exploration",
    "Sports Medicine",
    "Supply Chains",
    "Urban Planning",
    "Water Resources",
    "Wildlife Conservation",
    "Criminal Justice",
    "Finance",
    "History",
)
# (country code, state or province, city)
PLACES = (
    ("US", "NY", "New York"),
    ("US", "CA", "San Francisco"),
    ("US", "TX", "Austin"),
    ("US", "IL", "Chicago"),
    ("CA", "ON", "Toronto"),
    ("CA", "QC", "Montreal"),
    ("CA", "BC", "Vancouver"),
    ("GB", "England", "London"),
    ("GB", "Scotland", "Edinburgh"),
    ("DE", "Berlin", "Berlin"),
    ("FR", "Ile-de-France", "Paris"),
    ("AU", "NSW", "Sydney"),
    ("IN", "Karnataka", "Bengaluru"),
    ("JP", "Tokyo", "Tokyo"),
    ("BR", "SP", "Sao Paulo"),
    ("NG", "Lagos", "Lagos"),
)
JOB_TITLES = (
    "Professor",
    "Associate Professor",
    "Assistant Professor",
    "Research Scientist",
    "Senior Fellow",
    "Director",
    "Clinical Lead",
    "Chief Economist",
    "Lecturer",
    "Principal Engineer",
)
INDUSTRIES = (
    "Education",
    "Health Care",
    "Government",
    "Technology",
    "Energy",
    "Finance",
    "Media",
    "Nonprofit",
)
CATEGORIES = ("Science", "Business", "Health", "Society", "Technology", "Environment")
SPOTLIGHT_KINDS = ("News", "Event", "Publication", "Interview")

#: Extra fields an expert carries besides the ones every list item has.
EXTRA_FIELDS = (
    "firstname",
    "lastname",
    "job_title",
    "city",
    "state",
    "country",
    "email",
    "industry",
    "categories",
    "tags",
    "featured",
    "status",
    "access",
)


@dataclass(frozen=True)
class Query:
    """A normalized search over one list: what matches, in which order."""

    q: str = ""
    access: str = "public"
    status: str = "published"
    countries: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    sort: str = ""


class Directory:
    """One organization's synthetic data, deterministic for ``(org_id, seed, count)``."""

    def __init__(self, org_id: int, count: int, seed: int = 0) -> None:
        self.org_id = org_id
        self.count = count
        rng = random.Random(f"{seed}:{org_id}")  # noqa: S311 -- synthetic data, not secrets
        n_first, n_last, n_topics = len(FIRST_NAMES), len(LAST_NAMES), len(TOPICS)
        self._first = array("H", (rng.randrange(n_first) for _ in range(count)))
        self._last = array("H", (rng.randrange(n_last) for _ in range(count)))
        self._place = array("B", (rng.randrange(len(PLACES)) for _ in range(count)))
        self._job = array("B", (rng.randrange(len(JOB_TITLES)) for _ in range(count)))
        self._industry = array("B", (rng.randrange(len(INDUSTRIES)) for _ in range(count)))
        self._category = array("B", (rng.randrange(len(CATEGORIES)) for _ in range(count)))
        # three distinct topics each, packed as one integer per expert
        self._topics = array(
            "I",
            (
                a * n_topics * n_topics + b * n_topics + c
                for a, b, c in (rng.sample(range(n_topics), 3) for _ in range(count))
            ),
        )
        # bit 0: unpublished (1 in 10), bit 1: private (1 in 8), bit 2: featured (1 in 20)
        self._flags = array(
            "B",
            (
                (rng.random() < 0.1) | (rng.random() < 0.125) << 1 | (rng.random() < 0.05) << 2
                for _ in range(count)
            ),
        )
        self._match_cache: Callable[[Query], tuple[Sequence[int], dict[str, Any]]] = lru_cache(
            maxsize=64
        )(self._match)
        self._usernames: dict[str, int] | None = None

    # -- single records -------------------------------------------------
    def topics_of(self, i: int) -> tuple[str, str, str]:
        packed, n = self._topics[i], len(TOPICS)
        return TOPICS[packed // (n * n)], TOPICS[packed // n % n], TOPICS[packed % n]

    def username(self, i: int) -> str:
        return f"{FIRST_NAMES[self._first[i]]}-{LAST_NAMES[self._last[i]]}-{i + 1}".lower()

    def index_of(self, username: str) -> int | None:
        """The position of ``username``, or ``None`` (built once, on first use)."""
        if self._usernames is None:
            self._usernames = {self.username(i): i for i in range(self.count)}
        return self._usernames.get(username)

    def _tagline(self, i: int) -> str:
        t = self.topics_of(i)
        return f"{JOB_TITLES[self._job[i]]} who studies {t[0]} and {t[1]}"

    def expert(self, i: int, fields: frozenset[str] | None = None) -> dict[str, Any]:
        """List item for expert ``i``; ``fields`` limits the extra fields (``None``: all)."""
        username = self.username(i)
        base = f"https://cdn.expertfile.com/avatars/{self.org_id}/{username}"
        record: dict[str, Any] = {
            "username": username,
            "corporation": self.org_id,
            "topics": [{"title": t} for t in self.topics_of(i)],
            "tagline": self._tagline(i),
            "avatar": {
                size: f"{base}-{size}.jpg" for size in ("small", "medium", "large", "original")
            },
        }
        country, state, city = PLACES[self._place[i]]
        first, last = FIRST_NAMES[self._first[i]], LAST_NAMES[self._last[i]]
        flags = self._flags[i]
        extras: dict[str, Any] = {
            "firstname": first,
            "lastname": last,
            "job_title": JOB_TITLES[self._job[i]],
            "city": city,
            "state": state,
            "country": country,
            "email": f"{username}@example.org",
            "industry": INDUSTRIES[self._industry[i]],
            "categories": [CATEGORIES[self._category[i]]],
            "tags": [self.topics_of(i)[0].lower().replace(" ", "-")],
            "featured": bool(flags & 4),
            "status": "unpublished" if flags & 1 else "published",
            "access": "private" if flags & 2 else "public",
        }
        for name, value in extras.items():
            if fields is None or name in fields:
                record[name] = value
        return record

    def expert_detail(self, i: int) -> dict[str, list[dict[str, Any]]]:
        """The sections of one expert's profile, as the detail endpoint returns them."""
        item = self.expert(i)
        country, state, city = PLACES[self._place[i]]
        return {
            "account": [
                {
                    key: item[key]
                    for key in ("username", "firstname", "lastname", "job_title", "email")
                }
                | {"corporation": self.org_id, "city": city, "state": state, "country": country}
            ],
            "biography": [
                {"text": f"{item['firstname']} {item['lastname']} is a {item['tagline']}."}
            ],
            "topics": item["topics"],
            "education": [{"degree": "PhD", "institution": f"University of {city}"}],
            "industry": [{"title": item["industry"]}],
            "avatar": [item["avatar"]],
        }

    def staff(self, i: int) -> dict[str, Any]:
        """Staff list item: every expert is staff, and one more in four is not an expert."""
        if i < self.count:
            record = self.expert(i)
            record["is_expert"] = True
            return record
        j = i - self.count
        first, last = FIRST_NAMES[j % len(FIRST_NAMES)], LAST_NAMES[j * 7 % len(LAST_NAMES)]
        username = f"{first}-{last}-staff-{j + 1}".lower()
        return {
            "username": username,
            "corporation": self.org_id,
            "firstname": first,
            "lastname": last,
            "job_title": "Communications Officer",
            "email": f"{username}@example.org",
            "is_expert": False,
        }

    @property
    def staff_count(self) -> int:
        return self.count + self.count // 4

    def spotlight(self, i: int) -> dict[str, Any]:
        expert = i % self.count if self.count else 0
        topic = TOPICS[i % len(TOPICS)]
        return {
            "id": 100_000 + i,
            "corporation": self.org_id,
            "title": f"{SPOTLIGHT_KINDS[i % len(SPOTLIGHT_KINDS)]}: what {topic} means now",
            "type": SPOTLIGHT_KINDS[i % len(SPOTLIGHT_KINDS)].lower(),
            "topics": [{"title": topic}],
            "username": self.username(expert) if self.count else None,
            "published": f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T12:00:00.000Z",
        }

    @property
    def spotlight_count(self) -> int:
        return self.count // 2

    # -- searching ------------------------------------------------------
    def search(self, query: Query) -> tuple[Sequence[int], dict[str, Any]]:
        """Indices of the experts matching ``query``, in order, and the aggregations."""
        return self._match_cache(query)

    def _match(self, query: Query) -> tuple[Sequence[int], dict[str, Any]]:
        want_status = {"published": 0, "unpublished": 1}.get(query.status)
        want_private = {"public": 0, "private": 2}.get(query.access)
        countries = {c.upper() for c in query.countries}
        topics = {t.lower() for t in query.topics}
        industries = {t.lower() for t in query.industries}
        categories = {t.lower() for t in query.categories}
        tags = {t.lower() for t in query.tags}
        needle = query.q.strip().lower()
        hits: list[int] = []
        for i in range(self.count):
            flags = self._flags[i]
            if want_status is not None and flags & 1 != want_status:
                continue
            if want_private is not None and flags & 2 != want_private:
                continue
            if countries and PLACES[self._place[i]][0] not in countries:
                continue
            own_topics = self.topics_of(i)
            if topics and not topics.intersection(t.lower() for t in own_topics):
                continue
            if industries and INDUSTRIES[self._industry[i]].lower() not in industries:
                continue
            if categories and CATEGORIES[self._category[i]].lower() not in categories:
                continue
            if tags and own_topics[0].lower().replace(" ", "-") not in tags:
                continue
            if needle:
                text = " ".join(
                    (
                        FIRST_NAMES[self._first[i]],
                        LAST_NAMES[self._last[i]],
                        self._tagline(i),
                        *own_topics,
                    )
                ).lower()
                if needle not in text:
                    continue
            hits.append(i)
        if query.sort == "name":
            hits.sort(key=lambda i: (LAST_NAMES[self._last[i]], FIRST_NAMES[self._first[i]], i))
        elif query.sort == "featured":
            hits.sort(key=lambda i: (not self._flags[i] & 4, i))
        by_country = Counter(PLACES[self._place[i]][0] for i in hits)
        by_topic = Counter(t for i in hits for t in self.topics_of(i))
        aggregations = {
            name: {"buckets": [{"key": k, "doc_count": n} for k, n in counts.most_common(10)]}
            for name, counts in (("countries", by_country), ("topics", by_topic))
        }
        return array("I", hits), aggregations


def parse_list(value: str) -> tuple[str, ...]:
    """A filter value: a JSON array (``["CA","US"]``) or a comma-separated list.

    Raises:
        ValueError: the value starts like a JSON array but is not an array of strings.
    """
    value = value.strip()
    if not value:
        return ()
    if value.startswith("["):
        parsed = json.loads(value)
        if not isinstance(parsed, list) or not all(isinstance(v, str) for v in parsed):
            raise ValueError("expected a JSON array of strings")
        return tuple(v.strip() for v in parsed if v.strip())
    return tuple(v.strip() for v in value.split(",") if v.strip())
