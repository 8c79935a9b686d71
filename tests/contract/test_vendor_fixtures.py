"""The vendor's samples are kept verbatim, and every repair to them is marked."""

from __future__ import annotations

import hashlib
import json

import pytest

from tests.contract import documented as doc
from tests.contract import vendor_samples as vs


def test_every_documented_read_and_the_token_is_kept() -> None:
    assert len(vs.READS) == 74 == len(set(vs.READS))
    assert set(vs.SAMPLES) == {*vs.READS, "token"}
    files = {p.name for p in vs.FOLDER.iterdir()}
    helpers = {f"{name}.json.txt" for name in vs.HELPER_FILES}
    assert files == {s.file.name for s in vs.SAMPLES.values()} | helpers
    paths = [(s.method, s.path) for s in vs.SAMPLES.values()]
    assert len(paths) == len(set(paths))


@pytest.mark.parametrize("name", vs.SAMPLES)
def test_repairs_are_needed_and_enough(name: str) -> None:
    sample = vs.SAMPLES[name]
    text = vs.verbatim(name)
    try:
        json.loads(text)
        valid = True
    except json.JSONDecodeError:
        valid = False
    assert valid == (not sample.repairs), "repairs listed for valid JSON, or none for invalid"
    assert all(
        r.kind in {"comment", "comma", "placeholder", "structure", "quoting"}
        for r in sample.repairs
    )
    assert isinstance(vs.parsed(name), dict)
    # a repair never touches the keys or values the vendor wrote, beyond its own text
    for repair in sample.repairs:
        assert repair.old in text


def test_iter_samples_yields_name_path_and_parsed_sample() -> None:
    rows = list(vs.iter_samples())
    assert [r[0] for r in rows] == ["token", *vs.READS]
    assert all(path.startswith("/v2/") and ":" not in path for _, path, _ in rows)
    assert len(list(vs.iter_samples(token=False))) == 74


# -- the contract (documented.py) holds every read, and accepts the vendor's own sample ---
@pytest.mark.parametrize("name", vs.SAMPLES)
def test_each_documented_shape_accepts_the_vendors_sample(name: str) -> None:
    body = vs.parsed(name)
    assert doc.mismatches(body["data"], doc.READ_SHAPES[name]) == []
    assert set(body) - {"data", "success"} == set()
    assert body.get("success", True) is True


def test_the_contract_holds_every_read_and_the_token() -> None:
    assert set(doc.READ_SHAPES) == set(vs.SAMPLES)


def test_success_is_omitted_exactly_where_the_samples_omit_it() -> None:
    omitted = {name for name in vs.SAMPLES if "success" not in vs.parsed(name)}
    assert omitted == doc.SUCCESS_OMITTED


@pytest.mark.parametrize(("segment", "key"), doc.NULLABLE, ids=lambda v: str(v))
def test_nullable_fields_are_null_in_the_samples_and_typed_so(segment: str, key: str) -> None:
    for suffix in (".list", ".get"):
        name = f"expert.{segment}{suffix}"
        items = vs.parsed(name)["data"]
        assert items and all(item[key] is None for item in items)
        (item_shape,) = doc.READ_SHAPES[name]
        assert isinstance(item_shape[key], doc.Nullable)
        assert doc.mismatches([{**items[0], key: []}], doc.READ_SHAPES[name]) != []


def test_nullable_and_one_of_shapes_check_what_they_say() -> None:
    assert doc.mismatches(None, doc.Nullable(int)) == []
    assert doc.mismatches("1", doc.Nullable(int)) != []
    either = doc.OneOf({"a": int}, {"b": str}, labels=("x", "y"))
    assert doc.mismatches({"a": 1}, either) == doc.mismatches({"b": "1"}, either) == []
    assert doc.mismatches({"a": "1"}, either) != []
    # the staff profile: either spelling, never a mixture
    sample = vs.parsed("staff.get")["data"]
    assert doc.mismatches(sample, doc.STAFF_PROFILE) != []  # DOC-SL spelling
    mixed = {**sample, "profiletype": []}
    assert doc.mismatches(mixed, doc.STAFF_PROFILE_EITHER) != []


def test_the_documented_country_and_state_lists() -> None:
    countries = vs.country_codes()
    text = (vs.FOLDER / "helper.countries.json.txt").read_text()
    assert len(countries) == text.count(":") and list(countries)[:2] == ["US", "CA"]
    assert countries["ZW"] == "ZIMBABWE" and "TP" in countries and "YU" in countries
    states = vs.state_codes()
    assert "NF" in states["CA"] and len(states["CA"]) == 13
    assert len(states["US"]) == 51 and "DC" in states["US"]


# -- byte for byte: each file's digest, taken when it was compared with the vendor's source --
#: sha256 (first 16 hex digits) of each fixture, recorded after a reviewer compared every
#: file byte for byte with the ```json block under its heading in DOC-SL's
#: source/index.html.md (the token: DOC-GB's Authentication page; the helper lists: DOC-SL
#: §Helper). A fixture "tidied" to parse or to fit the fake changes its digest.
DIGESTS = """
938117e1075deb0c token
6dacf8847e9b45cb expert.list
25c4589280e4227b expert.get
f9cc23a924d9fffd expert.biography
b5222290cc661165 expert.tagline
c9616e80962e231f expert.link.list
168364d94c534c16 expert.link.get
7b2629c28780afa2 expert.sampletalk.list
6019a307bea6c85d expert.sampletalk.get
1c66da1656653d17 expert.accomplishment.list
d0af214d62fd6385 expert.accomplishment.get
a62ca1499ace5fd4 expert.affiliation.list
40650a2e441de1f6 expert.affiliation.get
08704a2b2eca9f0b expert.eventappearance.list
bb488c382b15f7a3 expert.eventappearance.get
ea4a72aa643e2bbe expert.mediaappearance.list
38eb1b9e8eb4eacf expert.mediaappearance.get
57c5ddba07bbb2bb expert.education.list
6d566378d9353290 expert.education.get
c3783c8d7fa16507 expert.testimonial.list
5d45a3371c3895fd expert.testimonial.get
bb7275fd6f30e8e2 expert.patent.list
31bb4735818b47bb expert.patent.get
3f92768da9f08399 expert.researchgrant.list
ec44ed34e609b162 expert.researchgrant.get
4a8ef93435d624b5 expert.partnership.list
c959096b2c2a0f2b expert.partnership.get
b87dccf8c4acb6d7 expert.course.list
c07bf91ab5e036b3 expert.course.get
7c196f3dde49dada expert.article.list
c73a1da843b2049d expert.article.get
1487e1f6179b6d62 expert.researchfocus.list
d7ff1d6a84ef8bd7 expert.researchfocus.get
045e7b59d5b1b95c expert.topic.list
3c0b9d4ea182d59c expert.topic.get
81a234a9dd865150 expert.industry.list
ea4f12e95975dd9d expert.industry.get
6ca4a3a40f6f6ed7 expert.language.list
29c3dd246faffa23 expert.language.get
f6eca5bfa106c517 expert.fee
2d2d8920ba61cd0e expert.availability
0845d30b7b39f988 expert.social
005109f15e80021d expert.category.list
380dd3b882c9a3e0 expert.category.get
aaf22dc35297ce6a expert.tag.list
4496f561ecbad54c expert.tag.get
77b0a40298db2da1 expert.media.youtube.list
1cf9023df6538dfd expert.media.youtube.get
2fbcbf4cab0c1faf expert.media.vimeo.list
96cae3960820b107 expert.media.vimeo.get
f04b021831b24876 expert.media.slideshare.list
07b42f9bc6ae4d4e expert.media.slideshare.get
77b0a40298db2da1 expert.media.document.list
1cf9023df6538dfd expert.media.document.get
77b0a40298db2da1 expert.media.photo.list
1cf9023df6538dfd expert.media.photo.get
77b0a40298db2da1 expert.media.video.list
1cf9023df6538dfd expert.media.video.get
c4aa3f31185bb3a4 expert.cv
8cdd447c6b4619dc staff.list
9bbdf741fdff73e2 staff.get
f9cc23a924d9fffd staff.biography
b5222290cc661165 staff.tagline
c9616e80962e231f staff.link.list
168364d94c534c16 staff.link.get
57c5ddba07bbb2bb staff.education.list
6d566378d9353290 staff.education.get
6ca4a3a40f6f6ed7 staff.language.list
29c3dd246faffa23 staff.language.get
005109f15e80021d staff.category.list
380dd3b882c9a3e0 staff.category.get
aaf22dc35297ce6a staff.tag.list
4496f561ecbad54c staff.tag.get
7aedd1daf608e399 spotlight.list
8591339bb5201781 spotlight.get
0cdaf409425c27a5 helper.countries
100d8fea957d13fa helper.states.ca
0d6185e502d5549b helper.states.us
"""


def test_each_fixture_is_still_the_vendors_text_byte_for_byte() -> None:
    recorded = dict(reversed(line.split()) for line in DIGESTS.strip().splitlines())
    assert set(recorded) == {*vs.SAMPLES, *vs.HELPER_FILES}
    for name, digest in recorded.items():
        data = (vs.FOLDER / f"{name}.json.txt").read_bytes()
        assert hashlib.sha256(data).hexdigest()[:16] == digest, f"{name}: not the vendor's text"
    assert all(vs.verbatim(n).encode() == vs.SAMPLES[n].file.read_bytes() for n in vs.SAMPLES)


def test_nullable_lists_every_null_in_the_item_samples() -> None:
    """NULLABLE (which the fake's null setting is held to) is every (segment, key) the
    vendor's item samples show as null; social's {"id": null} is left out: its sample is
    not usable and no item shape is documented (READ_SHAPES: any object)."""
    nulls = {
        (name.removeprefix("expert.").rsplit(".", 1)[0], key)
        for name in vs.READS
        if name.endswith((".list", ".get")) and isinstance(vs.parsed(name)["data"], list)
        for item in vs.parsed(name)["data"]
        for key, value in item.items()
        if value is None
    }
    assert nulls == set(doc.NULLABLE)
    # nowhere else: no profile, list or whole-resource sample shows a null but social's
    others = [
        n for n in vs.SAMPLES if "null" in vs.verbatim(n) and not n.endswith((".list", ".get"))
    ]
    assert others == ["expert.social"]
