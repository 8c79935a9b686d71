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


ROOT = Path(__file__).resolve().parents[1]


def bash_commands(section: str | None = None) -> list[str]:
    """The commands of the first ``bash`` block (of ``section``), comments left out."""
    text = README
    if section is not None:
        text = text.split(f"## {section}", 1)[1].split("\n## ", 1)[0]
    block = re.findall(r"```bash\n(.*?)```", text, flags=re.S)[0]
    return [line.split("  #")[0].strip() for line in block.splitlines() if line[:1] not in "#"]


def test_first_screen_is_a_venv_then_one_command_to_the_demo_and_one_to_the_tests() -> None:
    assert bash_commands() == [
        "python3 -m venv .venv && . .venv/bin/activate",
        "pip install -e . && expertfile-nb demo",
        "pip install -e '.[test]' && python -m pytest -n auto",
    ]
    first_screen = README.split("```python", 1)[0]
    assert "no PyPI package" in first_screen and "python3-venv" in first_screen


def test_run_the_tests_uses_the_first_screens_commands() -> None:
    commands = bash_commands("Run the tests")
    assert commands[-2:] == bash_commands()[::2]


def test_ci_runs_the_readmes_commands_word_for_word() -> None:
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    for command in bash_commands():
        assert command in ci, command
    for command in bash_commands("Run the tests"):
        # the same system packages, without sudo: CI runs as root
        assert any(command.removeprefix("sudo ").split()[:2] == line.split()[:2] for line in ci)
    assert "--resolution lowest-direct" in "\n".join(ci)


def test_notebooks_are_opened_as_the_readme_says() -> None:
    assert "pip install -e '.[notebooks]'" in README
    assert "jupyter lab notebooks/quickstart.ipynb" in README
    assert (ROOT / "notebooks" / "quickstart.ipynb").exists()
    extra = (ROOT / "pyproject.toml").read_text().split("notebooks = [", 1)[1].split("]", 1)[0]
    assert "jupyterlab" in extra and "matplotlib" in extra
    quickstart = (ROOT / "notebooks" / "quickstart.ipynb").read_text()
    assert "pip install expertfile-nb" not in quickstart  # no such package on any index


def test_documented_settings_and_no_path_outside_the_repository() -> None:
    assert "EXPERTFILE_RETRY_BACKOFF" in README
    assert "../" not in README and "shared/" not in README
    named = r"`((?:docs|notebooks|bench|tests|fake_server|expertfile_nb)/[^`\s]*)`"
    for link in re.findall(named, README):
        assert (ROOT / link).exists(), link


def test_the_editing_example_changes_something_and_undoes_it(
    expertfile_env: FakeExpertFile, tmp_path: Path
) -> None:
    """Run against the fake as written, the example plans real changes, applies them (the
    service receives the writes) and puts the old values back."""
    expertfile_env.experts = 60
    (example,) = python_blocks("Editing profiles")
    check = (
        "\nprint('PLANNED', len(plan))"
        "\nprint('APPLIED', result.counts.get('applied', 0))"
        "\nback = ef.get_profiles()"
        "\nprint('SAME', back.set_index('username')[before.columns.drop('username')]"
        ".sort_index().equals(before.set_index('username').sort_index()))"
    )
    result = subprocess.run(
        [sys.executable, "-c", "import expertfile_nb as ef\n" + example + check],
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(os.environ),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    said = dict(line.split(" ", 1) for line in result.stdout.splitlines() if " " in line)
    assert int(said["PLANNED"]) > 0 and int(said["APPLIED"]) == int(said["PLANNED"])
    assert said["SAME"] == "True"  # undone: the service holds what it held before
    writes = [e for e in expertfile_env.journal if e.method in ("PUT", "POST", "DELETE")]
    assert len([e for e in writes if "/oauth/" not in e.path]) >= 2 * int(said["PLANNED"])
