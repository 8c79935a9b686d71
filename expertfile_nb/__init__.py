"""expertfile-nb: log in to the ExpertFile public API from Jupyter and pull data into pandas.

>>> import expertfile_nb as ef
>>> ef.login()                # or ef.login_widget() in a notebook
>>> experts = ef.get_experts()
>>> staging = ef.Client(profile="staging")   # one organization of several
>>> staging.get_experts()

``import expertfile_nb`` stays light: it loads the login; the data functions,
the form and ``check`` load their modules when first used, and pandas and
ipywidgets are imported only by the functions that need them.
"""

from typing import TYPE_CHECKING, Any

from expertfile_nb._auth.login import get_session, logout
from expertfile_nb._auth.status import LoginStatus, status
from expertfile_nb._auth.token import Token
from expertfile_nb._notebook import login
from expertfile_nb._version import __version__
from expertfile_nb.errors import (
    APIError,
    AuthenticationError,
    BrokenResponseError,
    ConfigurationError,
    DeadlineExceededError,
    ExpertFileError,
    IncompleteDataError,
    InsecureTransportError,
    JournalElsewhereError,
    JournalError,
    NetworkError,
    NotConnectedError,
    NotFoundError,
    NotLoggedInError,
    ProfileError,
    RateLimitError,
    ResponseTooLargeError,
    TokenCacheWarning,
    TokenResponseError,
    UnconfirmedWriteError,
)

__all__ = [
    "APIError",
    "ApplyResult",
    "AuthenticationError",
    "BrokenResponseError",
    "ChangePlan",
    "CheckReport",
    "Client",
    "ConfigurationError",
    "DeadlineExceededError",
    "ExpertFileError",
    "IncompleteDataError",
    "InsecureTransportError",
    "JournalElsewhereError",
    "JournalError",
    "LoginStatus",
    "NetworkError",
    "NotConnectedError",
    "NotFoundError",
    "NotLoggedInError",
    "ProfileError",
    "RateLimitError",
    "ResponseTooLargeError",
    "Token",
    "TokenCacheWarning",
    "TokenResponseError",
    "UnconfirmedWriteError",
    "__version__",
    "add_section_item",
    "check",
    "create_expert",
    "create_staff_member",
    "delete_expert",
    "delete_section_item",
    "delete_staff_member",
    "get_expert",
    "get_experts",
    "get_profiles",
    "get_section_item",
    "get_session",
    "get_spotlight",
    "get_spotlights",
    "get_staff",
    "get_staff_member",
    "iter_experts",
    "iter_spotlights",
    "iter_staff",
    "login",
    "login_widget",
    "logout",
    "plan_changes",
    "resume",
    "send_inquiry",
    "status",
    "undo",
    "update_expert",
    "update_section_item",
    "update_staff_member",
]

if TYPE_CHECKING:
    from expertfile_nb._checks.check import check
    from expertfile_nb._checks.report import CheckReport
    from expertfile_nb._edits.diff import plan_changes
    from expertfile_nb._edits.inquiry import send_inquiry
    from expertfile_nb._edits.items import (
        add_section_item,
        delete_section_item,
        update_section_item,
    )
    from expertfile_nb._edits.people import (
        create_expert,
        create_staff_member,
        delete_expert,
        delete_staff_member,
        update_expert,
        update_staff_member,
    )
    from expertfile_nb._edits.plan import ApplyResult, ChangePlan
    from expertfile_nb._edits.undo import resume, undo
    from expertfile_nb._reads.data import (
        get_expert,
        get_experts,
        get_section_item,
        get_spotlight,
        get_spotlights,
        get_staff,
        get_staff_member,
        iter_experts,
        iter_spotlights,
        iter_staff,
    )
    from expertfile_nb._reads.profiles import get_profiles
    from expertfile_nb.client import Client
    from expertfile_nb.widget import login_widget

if "ipykernel" in __import__("sys").modules:
    # In a Jupyter kernel the form's library loads with the package: ipywidgets 8.0 (the
    # floor) leaves a form at "Loading widget..." when its library was first imported in the
    # very cell that displays it. Outside a kernel the import stays light.
    __import__("ipywidgets")

_DATA = "expertfile_nb._reads.data"
_LAZY = {
    "check": "expertfile_nb._checks.check",
    "CheckReport": "expertfile_nb._checks.report",
    "Client": "expertfile_nb.client",
    "login_widget": "expertfile_nb.widget",
    "get_profiles": "expertfile_nb._reads.profiles",
    **dict.fromkeys(["ApplyResult", "ChangePlan"], "expertfile_nb._edits.plan"),
    "plan_changes": "expertfile_nb._edits.diff",
    **dict.fromkeys(["resume", "undo"], "expertfile_nb._edits.undo"),
    **dict.fromkeys(
        [
            "add_section_item",
            "create_expert",
            "create_staff_member",
            "delete_expert",
            "delete_section_item",
            "delete_staff_member",
            "send_inquiry",
            "update_expert",
            "update_section_item",
            "update_staff_member",
        ],
        "expertfile_nb.writes",
    ),
    **dict.fromkeys(
        [
            "get_expert",
            "get_experts",
            "get_section_item",
            "get_spotlight",
            "get_spotlights",
            "get_staff",
            "get_staff_member",
            "iter_experts",
            "iter_spotlights",
            "iter_staff",
        ],
        _DATA,
    ),
}


def __getattr__(name: str) -> Any:
    # The data functions, the form and ef.check load on first use: the login alone needs
    # none of them, and their modules (the pull, its thread pool, the probe) would double
    # the package's import time. Once loaded, a name is kept here: no second look-up.
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'expertfile_nb' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
