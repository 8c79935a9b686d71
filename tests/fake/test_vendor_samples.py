"""The vendor's own curl and Node.js token requests work against the fake server.

The samples are copied verbatim from the vendor's Authentication page into
``tests/fake/vendor_samples/`` (method, path, headers and form fields as the vendor
shows them); only the host and the placeholders are replaced here.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from fake_server import FakeExpertFile

SAMPLES = Path(__file__).resolve().parent / "vendor_samples"
REAL = "https://public-api.expertfile.com"


def sample(name: str, server: FakeExpertFile, id_marker: str, secret_marker: str) -> str:
    text = (SAMPLES / name).read_text()
    assert REAL + "/v2/oauth/token" in text  # the vendor's path, as documented
    return (
        text.replace(REAL, server.url)
        .replace(id_marker, server.client_id)
        .replace(secret_marker, server.client_secret)
    )


def test_curl_sample(expertfile_server: FakeExpertFile) -> None:
    if not shutil.which("curl"):
        pytest.fail("curl is needed (apt-get install curl)")
    command = sample("token_request.sh", expertfile_server, "<YOUR_ID>", "<YOUR_SECRET>")
    result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert expertfile_server.issued_tokens[-1] in result.stdout
    assert '"success":true' in result.stdout


def test_node_fetch_sample(expertfile_server: FakeExpertFile, tmp_path: Path) -> None:
    if not shutil.which("node"):
        pytest.fail("node is needed (apt-get install nodejs)")
    script = sample(
        "token_request.mjs", expertfile_server, "<YOUR CLIENT ID>", "<YOUR CLIENT SECRET>"
    )
    path = tmp_path / "sample.mjs"
    path.write_text(script)
    result = subprocess.run(["node", str(path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert (
        f"Token used to sign requests for data {expertfile_server.issued_tokens[-1]}"
        in result.stdout
    )
