"""The README's and the docs' code runs as written, and what they show is what it does.

The README is the front door (its first screen, its quickstart and its output, the tables of
functions and commands, the editing and fixture examples); the detail lives in ``docs/``. Where
a docs page repeats a README example, the two are held equal here, so running one runs both.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from fake_server import FakeExpertFile

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
DOCS = ROOT / "docs"
GENERATED = {"API_FIDELITY.md", "RELIABILITY.md"}  # written by the suite, not by hand


def section_of(text: str, section: str | None) -> str:
    if section is None:
        return text
    return text.split(f"## {section}", 1)[1].split("\n## ", 1)[0]


def python_blocks(section: str | None = None, text: str = README) -> list[str]:
    return re.findall(r"```python\n(.*?)```", section_of(text, section), flags=re.S)


def text_blocks(section: str | None = None, text: str = README) -> list[str]:
    return re.findall(r"```text\n(.*?)```", section_of(text, section), flags=re.S)


def doc(name: str) -> str:
    return (DOCS / name).read_text()


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


def test_the_quickstart_shows_the_frame_it_makes(expertfile_env: FakeExpertFile) -> None:
    """The frame head printed under the quickstart is what the quickstart makes against the
    bundled fake (its default people)."""
    session = python_blocks("Quickstart: a notebook")[0]
    lines = session.rstrip().splitlines()
    shown = next(i for i, line in enumerate(lines) if line.startswith("experts[["))
    lines[shown] = "print(" + lines[shown].split("  #")[0] + ".to_string())"
    result = subprocess.run(
        [sys.executable, "-c", "\n".join(lines)],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
    )
    assert result.returncode == 0, result.stderr
    (printed,) = text_blocks("Quickstart: a notebook")
    assert result.stdout.strip() == printed.strip()


VOLATILE = re.compile(r"http://|valid until|\d s$|/experts\.csv")  # port, clock, timing, folder


def normalized(line: str) -> str:
    """A demo line without what differs between runs, if it holds any (the port, the clock,
    the timing, the folder): the seeded fake's counts and names are the same every run."""
    if not VOLATILE.search(line):
        return line.rstrip()
    line = re.sub(r"/\S*/experts\.csv", "…/experts.csv", line)
    return re.sub(r"\d+(\.\d+)?", "9", line).rstrip()


def test_the_demo_output_shown_is_what_demo_prints(tmp_path: Path) -> None:
    """Every line the README shows under the first screen (``…`` marks a cut), in its order,
    is a line ``expertfile-nb demo`` prints with nothing configured."""
    result = subprocess.run(
        [sys.executable, "-m", "expertfile_nb", "demo"],
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(os.environ),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    printed = [normalized(line) for line in result.stdout.splitlines()]
    (block,) = text_blocks(text=README.split("## Quickstart", 1)[0])
    at = 0
    for line in block.splitlines():
        if line.strip() == "…":
            continue
        assert normalized(line) in printed[at:], line
        at = printed.index(normalized(line), at) + 1


def test_the_docs_repeat_the_readmes_examples_word_for_word() -> None:
    """Where a page repeats a README example, it is the same code: the README's tests run it."""
    assert python_blocks(text=doc("index.md"))[0] == python_blocks("Quickstart: a notebook")[0]
    assert python_blocks(text=doc("editing.md"))[0] == python_blocks("Editing profiles")[0]
    assert python_blocks(text=doc("offline-testing.md"))[0] == python_blocks("Offline testing")[0]
    assert bash_commands("Run the tests", doc("testing.md")) == bash_commands("Run the tests")


def test_the_tables_name_every_public_function_and_every_command() -> None:
    """One line each: every public function of ``expertfile_nb`` and every command."""
    import expertfile_nb as ef
    from expertfile_nb.cli.main import build_parser

    table = section_of(README, "What you can do")
    functions = [name for name in ef.__all__ if name[:1].islower()] + ["Client"]
    missing = [name for name in functions if not re.search(rf"\b{name}\b", table)]
    assert not missing, f"the README's table of functions lacks {missing}"
    parser = build_parser()
    (commands,) = [
        action.choices
        for action in parser._actions  # argparse keeps its sub-commands there only
        if isinstance(action.choices, dict)
    ]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    for command in commands:
        assert any(re.search(rf"`{command}\b", row) for row in rows), command
        assert f"`{command}" in doc("cli.md"), command


def test_offline_testing_examples_pass(pytester: pytest.Pytester) -> None:
    (example,) = python_blocks("Offline testing")
    pytester.makepyfile(test_readme_example=example)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=example.count("def test_"))


def bash_commands(section: str | None = None, text: str = README) -> list[str]:
    """The commands of the first ``bash`` block (of ``section``), comments left out."""
    block = re.findall(r"```bash\n(.*?)```", section_of(text, section), flags=re.S)[0]
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
    assert "EXPERTFILE_RETRY_BACKOFF" in doc("testing.md")
    named = r"`((?:docs|notebooks|bench|tests|fake_server|expertfile_nb)/[^`\s]*)`"
    pages = {ROOT / "README.md": ROOT} | {
        page: DOCS for page in DOCS.glob("*.md") if page.name not in GENERATED
    }
    for page, base in pages.items():
        text = page.read_text()
        assert "../" not in text and "shared/" not in text, page.name
        for path in re.findall(named, text):
            assert (ROOT / path).exists(), f"{page.name}: {path}"
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):  # links and images
            if "://" not in target:
                assert (base / target).exists(), f"{page.name}: {target}"


def test_the_readme_is_a_front_door() -> None:
    """Short (the detail is in docs/), it shows the login form and the plan, and every
    hand-written docs page is in the site's navigation."""
    assert len(README.splitlines()) <= 160
    assert "docs/images/login-form.png" in README and "docs/images/plan-view.png" in README
    nav = (ROOT / "mkdocs.yml").read_text().split("\nnav:", 1)[1]
    for page in DOCS.glob("*.md"):
        assert f" {page.name}" in nav, f"docs/{page.name} is not in mkdocs.yml's nav"


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
