"""The package's public face: exported names, a light import, the type marker."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import expertfile_nb as ef

DOCUMENTED = {
    "login",
    "Client",
    "ProfileError",
    "JournalError",
    "JournalElsewhereError",
    "logout",
    "status",
    "get_session",
    "get_profiles",
    "Token",
    "LoginStatus",
    "__version__",
    "ExpertFileError",
    "ConfigurationError",
    "NotLoggedInError",
    "InsecureTransportError",
    "AuthenticationError",
    "TokenResponseError",
    "NetworkError",
    "APIError",
    "NotFoundError",
    "RateLimitError",
    "IncompleteDataError",
    "TokenCacheWarning",
    "get_experts",
    "iter_experts",
    "get_staff",
    "iter_staff",
    "get_spotlights",
    "iter_spotlights",
    "get_expert",
    "get_staff_member",
    "get_spotlight",
    "get_section_item",
    "login_widget",
    "check",
    "CheckReport",
    "BrokenResponseError",
    "NotConnectedError",
    "DeadlineExceededError",
    "ResponseTooLargeError",
    # round-trip editing (issue 18): the documented writes, the plan, resume and undo
    "UnconfirmedWriteError",
    "create_expert",
    "update_expert",
    "delete_expert",
    "create_staff_member",
    "update_staff_member",
    "delete_staff_member",
    "add_section_item",
    "update_section_item",
    "delete_section_item",
    "send_inquiry",
    "plan_changes",
    "ChangePlan",
    "ApplyResult",
    "resume",
    "undo",
}


def test_exported_names_are_the_documented_ones() -> None:
    # an equality, as httpx's test_exported_members: an omission fails as surely as an extra
    assert set(ef.__all__) == DOCUMENTED
    assert len(ef.__all__) == len(set(ef.__all__))
    for name in ef.__all__:
        assert hasattr(ef, name), name


def test_the_error_tree_drawn_in_the_docstring_is_the_one_in_the_code() -> None:
    import re

    from expertfile_nb import errors

    drawn = set(re.findall(r"[├└]── (\w+)", errors.__doc__ or ""))
    drawn.add("ExpertFileError")
    defined = {
        name for name in errors.__all__ if issubclass(getattr(errors, name), errors.ExpertFileError)
    }
    assert drawn == defined
    assert defined <= set(ef.__all__)  # every error can be caught by name from the package
    # each drawn child is a subclass of the name drawn above it, one level less indented
    parents: list[tuple[int, str]] = [(-1, "ExpertFileError")]
    for line in (errors.__doc__ or "").splitlines():
        match = re.search(r"[├└]── (\w+)", line)
        if not match:
            continue
        depth = match.start()
        while parents[-1][0] >= depth:
            parents.pop()
        child, parent = getattr(errors, match[1]), getattr(errors, parents[-1][1])
        assert issubclass(child, parent), (match[1], parents[-1][1])
        parents.append((depth, match[1]))


def test_errors_form_one_tree() -> None:
    for name in ef.__all__:
        obj = getattr(ef, name)
        if isinstance(obj, type) and issubclass(obj, Exception) and not issubclass(obj, Warning):
            assert issubclass(obj, ef.ExpertFileError), name


def test_import_does_not_load_pandas_or_ipywidgets() -> None:
    code = (
        "import sys, expertfile_nb; "
        "print(sorted(m for m in ('pandas', 'ipywidgets') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_import_leaves_the_data_layer_and_the_form_until_first_use() -> None:
    """``import expertfile_nb`` loads the login only; ``ef.get_experts`` and the others
    load the pull (and its thread pool) when first touched, and are then the real ones."""
    deferred = ("expertfile_nb._reads.data", "expertfile_nb._reads.paging", "expertfile_nb.widget")
    deferred += ("concurrent.futures", "dataclasses")
    code = (
        "import sys, expertfile_nb as ef; "
        f"print(sorted(m for m in {deferred!r} if m in sys.modules)); "
        "from expertfile_nb import get_experts; import expertfile_nb._reads.data as d; "
        "print(get_experts is d.get_experts is ef.get_experts, "
        "'expertfile_nb._reads.paging' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == ["[]", "True True"]


def test_py_typed_markers() -> None:
    root = Path(ef.__file__).parent
    assert (root / "py.typed").exists()
    assert (root.parent / "fake_server" / "py.typed").exists()


ROOT = Path(__file__).resolve().parents[1]


def test_license_file_is_mit_and_packaged() -> None:
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License\n")
    assert "Copyright (c) 2026 expertfile-nb contributors" in text
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert 'license = "MIT"' in pyproject and 'license-files = ["LICENSE"]' in pyproject


def test_pytest_httpserver_is_pinned_below_its_next_major_version() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert '"pytest-httpserver>=1.0.12,<2"' in pyproject  # 1.0.12: HTTPServer(threaded=...)


def test_upstream_names_the_fake_server_relies_on_still_exist() -> None:
    """FakeExpertFile subclasses pytest_httpserver.HTTPServer, overrides start(),
    application() and dispatch(), and uses these names of it and of werkzeug; a release
    that renames one fails here, by name, instead of somewhere inside a test."""
    import inspect

    from pytest_httpserver import HTTPServer, HTTPServerError
    from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
    from werkzeug.wrappers import Request

    assert issubclass(HTTPServerError, Exception)
    assert "threaded" in inspect.signature(HTTPServer.__init__).parameters
    server = HTTPServer("127.0.0.1", 0, threaded=True)  # not started: no port is bound
    for attribute in (
        "host",
        "port",
        "server",
        "server_thread",
        "handler_errors",
        "handlers",
        "oneshot_handlers",
        "ordered_handlers",
    ):
        assert hasattr(server, attribute), attribute
    assert callable(server.handlers.match) and callable(server.oneshot_handlers.match)
    for method in (
        "start",
        "stop",
        "clear",
        "is_running",
        "url_for",
        "dispatch",
        "application",
        "thread_target",
        "check_handler_errors",
        "expect_request",
        "expect_oneshot_request",
        "__enter__",
        "__exit__",
    ):
        assert callable(getattr(server, method)), method
    assert not server.is_running()
    assert {"threaded", "request_handler"} <= set(inspect.signature(make_server).parameters)
    # fake_server/_wsgi.py's handler overrides these, and reads the server's app and port
    for name in ("setup", "finish", "run_wsgi", "send_error", "log_request", "log_error"):
        assert callable(getattr(WSGIRequestHandler, name)), name
    assert callable(Request.application)

    def app(environ: object, start_response: object) -> list[bytes]:
        return []

    bound = make_server("127.0.0.1", 0, app, threaded=True, request_handler=WSGIRequestHandler)
    try:
        assert isinstance(bound, BaseWSGIServer) and bound.app is app and bound.port > 0
        assert callable(bound.serve_forever) and callable(bound.shutdown)
    finally:
        bound.server_close()


def test_the_public_modules_data_and_writes_keep_their_names() -> None:
    """``from expertfile_nb.data import get_experts, RETURN_FIELDS`` and
    ``from expertfile_nb.writes import …`` keep working after the move to ``_reads`` and
    ``_edits``: the same objects as ``ef.…``, nothing more, nothing less."""
    from expertfile_nb import data, writes
    from expertfile_nb._reads.query import RETURN_FIELDS

    reads = {"get_experts", "iter_experts", "get_staff", "iter_staff", "get_spotlights"}
    reads |= {"iter_spotlights", "get_expert", "get_staff_member", "get_spotlight"}
    reads |= {"get_section_item"}
    # "@py_builtins"…: pytest rewrites the modules of a distribution that ships a plugin
    public = {n for n in vars(data) if not n.startswith(("_", "@"))}
    assert public == reads | {"RETURN_FIELDS"}
    assert data.RETURN_FIELDS is RETURN_FIELDS and "email" in data.RETURN_FIELDS
    edits = {"create_expert", "update_expert", "delete_expert", "create_staff_member"}
    edits |= {"update_staff_member", "delete_staff_member", "add_section_item"}
    edits |= {"update_section_item", "delete_section_item", "send_inquiry", "find_person"}
    assert set(writes.__all__) == edits
    for name in reads | edits - {"find_person"}:
        module = data if name in reads else writes
        assert getattr(module, name) is getattr(ef, name), name
