"""The vendor page's own curl and Node.js samples work against the fake server (host changed)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from fake_server import FakeExpertFile

SEED = Path(__file__).resolve().parents[2] / "shared" / "reference" / "000_4c5287c18a6c92f3.txt"
REAL = "https://public-api.expertfile.com"


def seed_block(title: str) -> str:
    text = SEED.read_text()
    tab = text.split(f'{{% tab title="{title}" %}}', 1)[1]
    return tab.split("```", 2)[1].split("\n", 1)[1]


@pytest.fixture
def seed_available() -> None:
    if not SEED.exists():
        pytest.fail(f"the vendor's page is expected beside the project at {SEED}")


@pytest.mark.usefixtures("seed_available")
def test_curl_sample(expertfile_server: FakeExpertFile) -> None:
    if not shutil.which("curl"):
        pytest.fail("curl is needed (apt-get install curl)")
    command = seed_block("Curl").replace(REAL, expertfile_server.url)
    command = command.replace("<YOUR_ID>", expertfile_server.client_id).replace(
        "<YOUR_SECRET>", expertfile_server.client_secret
    )
    result = subprocess.run(
        ["bash", "-c", command],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert expertfile_server.issued_tokens[-1] in result.stdout
    assert '"success":true' in result.stdout


@pytest.mark.usefixtures("seed_available")
def test_node_fetch_sample(expertfile_server: FakeExpertFile, tmp_path: Path) -> None:
    if not shutil.which("node"):
        pytest.fail("node is needed (apt-get install nodejs)")
    script = seed_block("Node").replace(REAL, expertfile_server.url)
    script = script.replace("<YOUR CLIENT ID>", expertfile_server.client_id).replace(
        "<YOUR CLIENT SECRET>", expertfile_server.client_secret
    )
    path = tmp_path / "sample.mjs"
    path.write_text(script)
    result = subprocess.run(["node", str(path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert (
        f"Token used to sign requests for data {expertfile_server.issued_tokens[-1]}"
        in result.stdout
    )
