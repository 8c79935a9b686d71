"""``FakeExpertFile(dataset=DIR)`` checks the whole folder when it loads: a link, a FIFO, a
device, an oversize or corrupt file is one ``DatasetError`` naming the file and the reason, and
a capture that loads answers every request without a 500 (no file is read after loading).

The folders are written by hand in the documented layout (``expertfile_nb._checks.capture``), so the
loader is held to the layout, not to the capture code.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from fake_server import DatasetError, FakeExpertFile
from fake_server._dataset import MAX_DEPTH, MAX_FILE_BYTES
from tests.helpers import get_data, get_token

EXPERTS = [
    {"username": "anne marie", "tagline": "Genes", "topics": [{"title": "Genomics"}]},
    {"username": "bo", "tagline": "Courts", "topics": [{"title": "Law"}, {"title": "Ethics"}]},
    {"username": "cy", "tagline": "Both", "topics": [{"title": "Law"}]},
]
SPOTLIGHTS = [
    {"id": 7, "spotlight_title": "A", "tags": ["x"], "tagged_experts": ["bo"], "year": 2024},
]


def _write(path: Path, data: Any, *, envelope: bool = True) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"success": True, "data": data} if envelope else data))


def make_capture(folder: Path) -> Path:
    """A small valid capture: three lists, one profile with a section, one spotlight read."""
    _write(
        folder / "capture.json",
        {"format": "expertfile-nb capture", "version": 1, "anonymized": False, "limit": None},
        envelope=False,
    )
    buckets = [{"key": "Law", "doc_count": 2}, {"key": "Genomics", "doc_count": 1}]
    _write(
        folder / "experts.json",
        {"experts": EXPERTS, "total": 3, "aggregations": {"topics": {"buckets": buckets}}},
    )
    _write(folder / "staff.json", {"staff": [{"username": "dee"}], "total": 1})
    _write(folder / "spotlights.json", {"spotlights": SPOTLIGHTS, "total": 1})
    _write(folder / "expert" / "anne%20marie.json", {"account": [{"username": "anne marie"}]})
    _write(
        folder / "expert" / "anne%20marie" / "education.json",
        [{"id": 17, "school": "Uni"}, {"id": 18, "school": "College"}],
    )
    _write(folder / "spotlight" / "7.json", {"spotlight": [SPOTLIGHTS[0]]})
    return folder


def load_within(folder: Path, seconds: float = 20) -> BaseException | None:
    """What loading ``folder`` raised (``None``: it loaded), in a thread bounded by ``seconds``."""
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            FakeExpertFile(dataset=folder)
        except BaseException as exc:  # handed to the test, which judges it
            outcome.append(exc)
        else:
            outcome.append(None)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert outcome, f"loading {folder} still runs after {seconds} s"
    return outcome[0]


def _fifo(path: Path) -> None:
    path.unlink(missing_ok=True)
    os.mkfifo(path)


def _link(path: Path, target: str) -> None:
    path.unlink(missing_ok=True)
    path.symlink_to(target)


def _folder_instead(path: Path) -> None:
    path.unlink()
    path.mkdir()


def _raw(path: Path, data: bytes) -> None:
    path.write_bytes(data)


PROFILE = "expert/anne%20marie.json"
SECTION = "expert/anne%20marie/education.json"

# (name, how to spoil a valid capture, the file the message names, the reason it gives)
SPOILERS: list[tuple[str, Callable[[Path], None], str, str]] = [
    (
        "profile linked out of the folder",
        lambda d: _link(d / PROFILE, str(d.parent / "outside.json")),
        PROFILE,
        "symbolic link",
    ),
    (
        "profile folder linked out of the folder",
        lambda d: (d / "expert" / "ed").symlink_to(d.parent, target_is_directory=True),
        "expert/ed",
        "symbolic link",
    ),
    ("FIFO capture.json", lambda d: _fifo(d / "capture.json"), "capture.json", "regular file"),
    ("FIFO profile", lambda d: _fifo(d / PROFILE), PROFILE, "regular file"),
    (
        "/dev/zero as a list",
        lambda d: _link(d / "experts.json", "/dev/zero"),
        "experts.json",
        "symbolic link",
    ),
    (
        "/dev/zero as a profile",
        lambda d: _link(d / PROFILE, "/dev/zero"),
        PROFILE,
        "symbolic link",
    ),
    (
        "oversize profile",
        lambda d: _raw(d / PROFILE, b" " * (MAX_FILE_BYTES + 1)),
        PROFILE,
        f"larger than {MAX_FILE_BYTES} bytes",
    ),
    ("invalid JSON profile", lambda d: _raw(d / PROFILE, b'{"data": '), PROFILE, "not valid JSON"),
    (
        "non-UTF-8 profile",
        lambda d: _raw(d / PROFILE, b'{"success": true, "data": {"a": "\xff"}}'),
        PROFILE,
        "not UTF-8",
    ),
    (
        "a directory as a profile",
        lambda d: _folder_instead(d / PROFILE),
        PROFILE,
        "a folder where a profile file belongs",
    ),
    (
        "100k-deep nesting",
        lambda d: _raw(d / PROFILE, b'{"data": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"),
        PROFILE,
        f"nested deeper than {MAX_DEPTH}",
    ),
    (
        "nesting just past the limit",
        lambda d: _write(d / PROFILE, {"a": json.loads("[" * MAX_DEPTH + "]" * MAX_DEPTH)}),
        PROFILE,
        f"nested deeper than {MAX_DEPTH}",
    ),
    (
        "non-dict list items",
        lambda d: _write(d / "staff.json", {"staff": ["dee"], "total": 1}),
        "staff.json",
        "data.staff[0] is not an object",
    ),
    (
        '"topics": 5',
        lambda d: _write(d / "experts.json", {"experts": [{"username": "a", "topics": 5}]}),
        "experts.json",
        "data.experts[0].topics is not a list",
    ),
    (
        "spotlight tags as dicts",
        lambda d: _write(d / "spotlights.json", {"spotlights": [{"id": 1, "tags": [{"a": 1}]}]}),
        "spotlights.json",
        "data.spotlights[0].tags is not a list of strings",
    ),
    (
        "section data: 5",
        lambda d: _write(d / SECTION, 5),
        SECTION,
        "data is not a list",
    ),
    (
        "profile data: a list",
        lambda d: _write(d / PROFILE, [1]),
        PROFILE,
        "data is not an object",
    ),
    (
        "spotlight read without its record",
        lambda d: _write(d / "spotlight" / "7.json", {"spotlight": 5}),
        "spotlight/7.json",
        "data.spotlight is not a list of objects",
    ),
    (
        "NaN in a list",
        lambda d: _raw(d / "staff.json", b'{"data": {"staff": [{"x": NaN}]}}'),
        "staff.json",
        "not valid JSON",
    ),
    (
        '"version": 999',
        lambda d: _write(
            d / "capture.json", {"format": "expertfile-nb capture", "version": 999}, envelope=False
        ),
        "capture.json",
        '"version" 999 is not 1',
    ),
    (
        "another format",
        lambda d: _write(d / "capture.json", {"format": "other", "version": 1}, envelope=False),
        "capture.json",
        '"format" is not "expertfile-nb capture"',
    ),
    ("a list missing", lambda d: (d / "staff.json").unlink(), "staff.json", "missing"),
]


@pytest.fixture
def capture_dir(tmp_path: Path) -> Path:
    return make_capture(tmp_path / "capture")


@pytest.fixture
def served(capture_dir: Path) -> Iterator[tuple[FakeExpertFile, str]]:
    with FakeExpertFile(dataset=capture_dir) as server:
        yield server, get_token(server)


@pytest.mark.parametrize(
    ("spoil", "relative", "reason"),
    [pytest.param(*case[1:], id=case[0]) for case in SPOILERS],
)
def test_a_spoiled_capture_is_one_error_naming_file_and_reason(
    capture_dir: Path, spoil: Callable[[Path], None], relative: str, reason: str
) -> None:
    (capture_dir.parent / "outside.json").write_text('{"success": true, "data": {"x": 1}}')
    assert load_within(capture_dir) is None  # the valid capture loads
    spoil(capture_dir)
    error = load_within(capture_dir)
    assert isinstance(error, DatasetError), error
    assert f"{capture_dir}: {relative}: " in str(error) and reason in str(error), str(error)
    assert "\n" not in str(error)


def test_a_file_beside_the_layout_is_left_alone(capture_dir: Path) -> None:
    os.mkfifo(capture_dir / "notes")  # not the capture's: never opened
    (capture_dir / "key.txt").symlink_to("/dev/zero")
    assert load_within(capture_dir) is None


def test_a_loaded_capture_never_answers_500(served: tuple[FakeExpertFile, str]) -> None:
    server, token = served
    org = f"/v2/organization/{server.org_id}"
    paths = [
        f"{org}/expert",
        f"{org}/expert?q=law&topics=%5B%22Law%22%5D",
        f"{org}/employee?q=d",
        f"/v2/spotlight/{server.org_id}/search?tags=%5B%22x%22%5D&tagged=%5B%22bo%22%5D&year=2024",
        f"{org}/expert/anne%20marie",
        f"{org}/expert/anne%20marie/education",
        f"{org}/expert/anne%20marie/education/17",
        f"{org}/expert/anne%20marie/education/99",
        f"{org}/expert/anne%20marie/media/youtube",
        f"{org}/expert/..",
        f"{org}/expert/%2E%2E",
        f"{org}/expert/%00",
        f"{org}/staff/dee/education/1",
        f"/v2/spotlight/{server.org_id}/7",
        f"/v2/spotlight/{server.org_id}/..",
    ]
    for path in paths:
        response = get_data(server, path, token)
        assert response.status_code < 500, (path, response.text)
    assert server.handler_errors == []


def test_a_username_is_found_by_its_quoted_file_name(served: tuple[FakeExpertFile, str]) -> None:
    server, token = served
    org = f"/v2/organization/{server.org_id}"
    response = get_data(server, f"{org}/expert/anne%20marie", token)
    assert response.status_code == 200, response.text
    assert response.json()["data"]["account"][0]["username"] == "anne marie"


def test_a_section_item_is_found_by_its_numeric_id(served: tuple[FakeExpertFile, str]) -> None:
    server, token = served
    response = get_data(
        server, f"/v2/organization/{server.org_id}/expert/anne%20marie/education/17", token
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"] == [{"id": 17, "school": "Uni"}]


def test_a_filtered_list_recounts_its_aggregations(served: tuple[FakeExpertFile, str]) -> None:
    server, token = served
    path = f"/v2/organization/{server.org_id}/expert"
    whole = get_data(server, path, token).json()["data"]
    assert whole["aggregations"]["topics"]["buckets"][0] == {"key": "Law", "doc_count": 2}
    filtered = get_data(server, path, token, q="genes").json()["data"]
    assert [e["username"] for e in filtered["experts"]] == ["anne marie"]
    assert filtered["aggregations"] == {
        "topics": {"buckets": [{"key": "Genomics", "doc_count": 1}]}
    }
    spotlights = get_data(server, f"/v2/spotlight/{server.org_id}/search", token, year=2023).json()
    assert spotlights["data"]["total"] == 0
    assert spotlights["data"]["aggregations"]["tags"] == []


def test_the_command_says_what_is_wrong_in_one_line(capture_dir: Path) -> None:
    os.mkfifo(capture_dir / "expert" / "bo.json")
    result = subprocess.run(
        [sys.executable, "-m", "fake_server", "--port", "0", "--dataset", str(capture_dir)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr == f"fake_server: {capture_dir}: expert/bo.json: not a regular file\n"
