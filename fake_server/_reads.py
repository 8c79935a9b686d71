"""How the read endpoints follow the vendor's samples where the fake has a choice.

The settings here (see ``ASSUMPTIONS``) decide what a read sends where the vendor's
samples are unusual: a sample without ``"success"``, ``null`` values, the two
documents' different spellings, items the documents show empty or unusable.
Each function takes an answer's data as the fake builds it and returns it as
the setting asks.
"""

from __future__ import annotations

from typing import Any, Literal

__all__ = [
    "SAMPLED_NULLS",
    "SAMPLED_WITHOUT_SUCCESS",
    "CorporationValue",
    "DocVersion",
    "GuessedItems",
    "InferredSections",
    "Nulls",
    "SuccessKey",
    "TokenJson",
    "TokenPaths",
    "section_items",
    "sends_success",
    "spotlight_data",
    "staff_profile_keys",
]

SuccessKey = Literal["always", "as_sampled"]
Nulls = Literal["never", "as_sampled"]
DocVersion = Literal["gitbook", "slate"]
GuessedItems = Literal["fill", "as_sampled"]
InferredSections = Literal["add", "omit"]
TokenJson = Literal["accept", "refuse"]
TokenPaths = Literal["both", "v2"]
CorporationValue = Literal["slug", "name"]

#: (person kind, segment, by id) of the reads whose documented sample has no "success"
SAMPLED_WITHOUT_SUCCESS = frozenset(
    {
        ("expert", "biography", False),
        ("expert", "tagline", False),
        ("expert", "link", False),
        ("expert", "researchgrant", False),
        ("expert", "industry", True),
        ("staff", "biography", False),
        ("staff", "tagline", False),
        ("staff", "link", False),
    }
)


def sends_success(success_key: SuccessKey, person: str, segment: str, by_id: bool) -> bool:
    """Whether a section read of a ``person`` (``expert``, ``staff``) carries ``"success"``:
    ``"always"``, or (``"as_sampled"``) unless its documented sample has none."""
    return success_key == "always" or (person, segment, by_id) not in SAMPLED_WITHOUT_SUCCESS


#: segment -> the item keys the documented samples show as null
SAMPLED_NULLS: dict[str, tuple[str, ...]] = {
    "testimonial": ("date",),
    "researchfocus": ("date", "cover_alt_title"),
    **{
        f"media/{m}": ("thumbnail_alt_title",)
        for m in ("youtube", "vimeo", "document", "photo", "video")
    },
}


def section_items(
    segment: str,
    items: list[dict[str, Any]],
    *,
    nulls: Nulls,
    doc_version: DocVersion,
    guessed_items: GuessedItems,
) -> list[dict[str, Any]]:
    """The items of one sub-resource as the settings ask.

    Args:
        segment: ``education``, ``media/youtube``, ….
        items: the items with the current site's keys and no nulls.
        nulls: ``"as_sampled"`` sets the keys the samples show as null to ``None``.
        doc_version: ``"slate"`` gives tag items as ``{id, name}`` and affiliations with
            ``notes`` and ``link`` (``items`` must then carry them).
        guessed_items: ``"as_sampled"`` answers social as the sample does.
    """
    if segment == "social" and guessed_items == "as_sampled":
        return [{"id": None}]
    if doc_version == "slate" and segment == "tag":
        items = [{"id": item["id"], "name": item["tag"]} for item in items]
    if nulls == "as_sampled" and segment in SAMPLED_NULLS:
        items = [item | dict.fromkeys(SAMPLED_NULLS[segment]) for item in items]
    return items


def staff_profile_keys(profile: dict[str, Any], doc_version: DocVersion) -> dict[str, Any]:
    """The staff profile as the current site (``corporationprofile``, ``profiletype``) or
    the older reference (``corporationProfile``, no ``profiletype``) spells it."""
    if doc_version == "gitbook":
        return profile
    return {
        ("corporationProfile" if k == "corporationprofile" else k): v
        for k, v in profile.items()
        if k != "profiletype"
    }


def spotlight_data(item: dict[str, Any], guessed_items: GuessedItems) -> dict[str, Any]:
    """A spotlight (list item or record): ``tags``, ``tagged_experts`` and ``assets`` are
    the fake's strings (``"fill"``) or empty, as in the samples (``"as_sampled"``)."""
    if guessed_items == "fill":
        return item
    empty: dict[str, list[Any]] = {k: [] for k in ("tags", "tagged_experts", "assets") if k in item}
    return item | empty
