"""The package's public face: exported names, a light import, the type marker."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import expertfile_nb as ef

DOCUMENTED = {
    "login",
    "logout",
    "status",
    "get_session",
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
    "login_widget",
    "check",
    "CheckReport",
}


def test_exported_names_are_the_documented_ones() -> None:
    assert set(ef.__all__) >= DOCUMENTED
    for name in ef.__all__:
        assert hasattr(ef, name), name


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


def test_py_typed_markers() -> None:
    root = Path(ef.__file__).parent
    assert (root / "py.typed").exists()
    assert (root.parent / "fake_server" / "py.typed").exists()
