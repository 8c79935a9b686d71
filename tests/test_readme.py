"""The README's code runs as written: the first-screen session and the fixture examples."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from fake_server import FakeExpertFile

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def python_blocks(section: str | None = None) -> list[str]:
    text = README
    if section is not None:
        text = text.split(f"## {section}", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_first_screen_session_runs(expertfile_env: FakeExpertFile) -> None:
    expertfile_env.experts = 2000
    session = python_blocks()[0]
    result = subprocess.run(
        [sys.executable, "-c", session + "\nprint(len(experts), len(ca_us))"],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
    )
    assert result.returncode == 0, result.stderr
    everyone, ca_us = map(int, result.stdout.split())
    assert 0 < ca_us < everyone


def test_offline_testing_examples_pass(pytester: pytest.Pytester) -> None:
    (example,) = python_blocks("Offline testing")
    pytester.makepyfile(test_readme_example=example)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=example.count("def test_"))
