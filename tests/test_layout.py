"""The package's layout (docs/architecture.md): imports go one way, sub-packages say what
they own and may import, and no module grows past a size one can read."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "expertfile_nb"
#: lowest first: a module may import its own layer and the layers before it, never after
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"errors", "_redact", "codes", "_version"}),
    frozenset({"_http"}),
    frozenset({"_auth"}),
    frozenset({"_reads"}),
    frozenset({"_edits"}),
    frozenset({"_checks"}),
    frozenset({"widget"}),
    frozenset({"_notebook"}),
    frozenset({"client"}),
    frozenset({"data", "writes"}),
    frozenset({"pipeline"}),
    frozenset({"__init__"}),
    frozenset({"cli", "__main__"}),
)
SUBPACKAGES = ("_http", "_auth", "_reads", "_edits", "_checks", "cli")


def _layer(part: str) -> int:
    for n, layer in enumerate(LAYERS):
        if part in layer:
            return n
    raise AssertionError(f"{part!r} is in no layer of tests/test_layout.py: place it")


def _part(path: Path) -> str:
    """The top-level part of the package a file belongs to (``_auth``, ``client``…)."""
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def _absolute(path: Path, node: ast.ImportFrom) -> str:
    """The module ``from … import`` names, a relative one (``from .. import client``) too."""
    if node.level == 0:
        return node.module or ""
    package = list(path.relative_to(ROOT).with_suffix("").parts[:-1])  # __init__: itself
    package = package[: len(package) - (node.level - 1)]
    return ".".join([*package, *([node.module] if node.module else [])])


def _imported_parts(path: Path) -> set[tuple[str, int]]:
    """(part, line) of everything ``path`` imports from the package, however deep in a
    function or an ``if TYPE_CHECKING`` block."""
    found: set[tuple[str, int]] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = _absolute(path, node)
            if module == "expertfile_nb":  # from expertfile_nb import x: x, or __init__
                names = [f"expertfile_nb.{a.name}" for a in node.names]
            else:
                names = [module]
        for name in names:
            dotted = name.split(".")
            if dotted[0] != "expertfile_nb":
                continue
            part = dotted[1] if len(dotted) > 1 else "__init__"
            if not (PACKAGE / part).is_dir() and not (PACKAGE / f"{part}.py").exists():
                part = "__init__"  # a name of the package itself (__version__)
            found.add((part, node.lineno))
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_go_one_way(path: Path) -> None:
    mine = _part(path)
    wrong = [
        f"line {line}: {mine} imports {part}"
        for part, line in sorted(_imported_parts(path))
        if part != mine and _layer(part) > _layer(mine)
    ]
    assert not wrong, f"{path.relative_to(ROOT)} imports upwards: {wrong}"


def test_the_layers_hold_every_part_of_the_package() -> None:
    parts = {_part(p) for p in MODULES}
    assert parts == set().union(*LAYERS)


@pytest.mark.parametrize("name", SUBPACKAGES)
def test_each_sub_package_says_what_it_owns_and_may_import(name: str) -> None:
    init = PACKAGE / name / "__init__.py"
    tree = ast.parse(init.read_text())
    doc = ast.get_docstring(tree) or ""
    assert "May import" in doc, f"{init} does not say what it may import"
    # a docstring only: importing one module of it loads nothing else (not even a call)
    assert len(tree.body) == 1, f"{init} runs code"
    for module in (PACKAGE / name).glob("*.py"):
        if module.name != "__init__.py":  # as ``name``: "token" in "token_file" is no naming
            assert f"``{module.stem}``" in doc, f"{init} does not name its module {module.stem}"


def test_the_fake_never_imports_the_client() -> None:
    for path in sorted((ROOT / "fake_server").rglob("*.py")):
        text = path.read_text()
        assert "import expertfile_nb" not in text and "from expertfile_nb" not in text, path


@pytest.mark.parametrize(
    "path",
    sorted([*PACKAGE.rglob("*.py"), *(ROOT / "fake_server").rglob("*.py")]),
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_no_module_is_past_600_lines(path: Path) -> None:
    # the aim is ~500 (docs/architecture.md lists the few above it and why)
    assert len(path.read_text().splitlines()) <= 600
