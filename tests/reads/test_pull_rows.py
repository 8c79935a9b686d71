"""The rows a frame is built from are made a page at a time during the pull, without pandas:
they must be what ``pandas.json_normalize`` makes of the records, to the column order."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pandas.testing as pdt

from expertfile_nb._reads.frames import flat_rows

TRICKY: list[dict[str, Any]] = [
    {"username": "a", "avatar": {"small": "s", "large": "l"}, "tagline": "t"},
    {"username": "b", "deep": {"x": {"y": {"z": 1}}, "w": None}, "avatar": {}},
    {"avatar.small": "top", "avatar": {"small": "nested"}, "username": "c"},
    {"": {"k": 1}, "username": "d", "list": [{"a": 1}], "empty": {}},
    {"username": "e", "new": 2.5, "deep": {"w": 3}},
    {"username": "f"},
]


def test_rows_are_what_json_normalize_makes_of_the_records() -> None:
    pdt.assert_frame_equal(pd.DataFrame(flat_rows(TRICKY)), pd.json_normalize(TRICKY, sep="."))


def test_topics_become_titles_only_when_every_item_is_a_title() -> None:
    rows = flat_rows(
        [
            {"username": "a", "topics": [{"title": "x"}, {"title": "y"}]},
            {"username": "b", "topics": [{"title": "x", "id": 1}]},
            {"username": "c", "topics": [{"name": "x"}]},
        ]
    )
    assert [r["topics"] for r in rows] == [["x", "y"], [{"title": "x", "id": 1}], [{"name": "x"}]]
