"""Review lead24: the mutation runner (``python -m mutations``) on a tiny catalogue of its
own, in a scratch repository: a mutation killed at once passes; one that survives among the
others but is killed when run again alone passes too, named timing-sensitive; one that
survives alone as well fails the run. The runner and its package are copied from this
repository (so a mutated runner is what runs)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

MUTATIONS = Path(__file__).resolve().parents[1] / "mutations"

CODE = 'VALUE = "right"\n'
TEST = """
import os
from pathlib import Path

from tiny_code import VALUE


def test_value():
    if VALUE == "caught-only-alone":  # survives its first run, killed on the second
        marker = Path(os.environ["TINY_MARKER"])
        runs = int(marker.read_text()) + 1 if marker.exists() else 1
        marker.write_text(str(runs))
        assert runs < 2
    assert VALUE != "caught"
"""
CATALOGUE = """
from mutations import Mutation

MUTATIONS = [
    Mutation("tiny: caught", "tiny_code.py", '"right"', '"caught"', ["test_tiny.py"]),
    Mutation(
        "tiny: timing", "tiny_code.py", '"right"', '"caught-only-alone"', ["test_tiny.py"]
    ),
    Mutation("tiny: missed", "tiny_code.py", '"right"', '"missed"', ["test_tiny.py"]),
]
"""


def run_catalogue(tmp_path: Path, word: str) -> subprocess.CompletedProcess[str]:
    repo = tmp_path / "repo"
    if not repo.exists():
        (repo / "mutations").mkdir(parents=True)
        for name in ("__init__.py", "__main__.py"):
            shutil.copy(MUTATIONS / name, repo / "mutations" / name)
        (repo / "mutations" / "tiny.py").write_text(CATALOGUE)
        (repo / "tiny_code.py").write_text(CODE)
        (repo / "test_tiny.py").write_text(TEST)
    marker = tmp_path / f"marker-{word.replace(' ', '-').replace(':', '')}"
    env = {**os.environ, "PYTHONPATH": str(repo), "TINY_MARKER": str(marker)}
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # a plain pytest: quick to start
    return subprocess.run(
        [sys.executable, "-m", "mutations", "-k", word, "-j", "2"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_a_mutation_killed_only_when_run_alone_passes_and_is_named(tmp_path: Path) -> None:
    result = run_catalogue(tmp_path, "tiny: ")
    out = result.stdout
    assert "2 of 3 mutations killed" in out, out + result.stderr
    assert "killed only when run alone" in out and "tiny: timing" in out
    assert "NOT KILLED  tiny: missed: survived (also when run alone)" in out
    assert "NOT KILLED  tiny: caught" not in out and "NOT KILLED  tiny: timing" not in out
    assert result.returncode == 1  # the one that survived alone too fails the run


def test_a_run_whose_only_survivor_dies_alone_passes(tmp_path: Path) -> None:
    result = run_catalogue(tmp_path, "tiny: timing")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 of 1 mutations killed" in result.stdout
    assert "killed only when run alone" in result.stdout
