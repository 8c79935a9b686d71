"""Every error this package raises, in one tree.

::

    ExpertFileError                      catch this to catch them all
     ├── ConfigurationError (ValueError)  missing or contradictory settings
     │    ├── NotLoggedInError            no login yet (finish the form, or set env vars)
     │    ├── InsecureTransportError      http:// to a host that is not loopback
     │    ├── ProfileError                a named profile cannot be used (file, name, mode)
     │    └── JournalError                a journal that cannot be used (version, damage, lock)
     │         └── JournalElsewhereError  a journal of another service or organization
     ├── AuthenticationError              the service refused the credentials or token
     │                                    (.status, .error: the OAuth error code)
     ├── TokenResponseError               the token endpoint answered something unreadable
     ├── NetworkError (OSError)           no answer: connection refused, reset, timed out
     │    ├── BrokenResponseError         the answer broke off mid-body
     │    ├── NotConnectedError           no connection opened: nothing was sent
     │    └── DeadlineExceededError       the whole answer did not arrive in time (.deadline)
     ├── ResponseTooLargeError            the answer was larger than allowed (.limit, bytes)
     ├── APIError (requests.HTTPError)    a data call failed (.status, .url, .error, .response)
     │    ├── NotFoundError               404
     │    └── RateLimitError              429 (.retry_after, seconds)
     ├── UnconfirmedWriteError            a write may have happened; re-reading could not tell
     └── IncompleteDataError              a pull could not prove it got every record

Messages say what happened and what to do. They never hold a client secret
or an access token, in any of the forms listed in ``expertfile_nb._redact`` (the
value, its base64 or hex; any of their characters percent-, JSON- or
HTML-entity-escaped; wrapped over lines): the server's text is quoted in short
excerpts with the secret, the token and anything token-like redacted first. No error
keeps a reference to a request that carried them: ``APIError.response`` is a
copy whose body, header names and values, URL and reason phrase are redacted the
same way and whose request has the ``Authorization`` header masked, and network
errors are raised without their ``requests`` cause (its request held the token).
Whatever the call site, every message (and ``APIError.url``) is also passed through
:func:`expertfile_nb._redact.hide` when the error is made: no client secret or token
this process holds survives in it, even where a server echoed one into a record key
or a redirect URL.

In IPython and Jupyter every one of them shows as its name and message and a line
saying ``%tb`` shows the rest: the traceback would mostly lead through this package's
internals (and ``requests``) to the same sentence. ``%tb`` (and anything else that
shows the error again after the cell) gives the whole traceback.

``APIError`` is also a ``requests.HTTPError``, so ``except requests.HTTPError``
in existing code keeps working.
"""

from __future__ import annotations

import sys
import traceback
from typing import Any

import requests

from expertfile_nb._redact import hide

__all__ = [
    "APIError",
    "AuthenticationError",
    "BrokenResponseError",
    "ConfigurationError",
    "DeadlineExceededError",
    "ExpertFileError",
    "IncompleteDataError",
    "InsecureTransportError",
    "JournalElsewhereError",
    "JournalError",
    "NetworkError",
    "NotConnectedError",
    "NotFoundError",
    "NotLoggedInError",
    "ProfileError",
    "RateLimitError",
    "ResponseTooLargeError",
    "TokenCacheWarning",
    "TokenResponseError",
    "UnconfirmedWriteError",
]


class ExpertFileError(Exception):
    """Base class of every error raised by expertfile-nb.

    Its text arguments are cleaned of every secret and token the process holds when it
    is made (:func:`expertfile_nb._redact.hide`), whatever the message was built from.
    """

    def __init__(self, *args: object) -> None:
        super().__init__(*(hide(arg) if isinstance(arg, str) else arg for arg in args))

    def _render_traceback_(self) -> list[str]:
        """What IPython shows: the message, short, in the cell that raised it; in full later.

        IPython calls this both for the cell that raised the error (while it is being
        handled: ``sys.exc_info()`` holds it) and for ``%tb`` (after: it does not).
        """
        if sys.exc_info()[1] is self:
            return [f"{type(self).__name__}: {self}", _TRACEBACK_HINT]
        return _whole_traceback(self)


#: the line under an error's message in IPython and Jupyter
_TRACEBACK_HINT = "(run %tb for the whole traceback)"


def _whole_traceback(error: BaseException) -> list[str]:
    """The traceback IPython would show for ``error`` (plain text outside IPython)."""
    shell = None
    if "IPython" in sys.modules:  # only ever called by IPython; never imports it
        shell = sys.modules["IPython"].get_ipython()
    if shell is None:
        return traceback.format_exception(type(error), error, error.__traceback__)
    lines: list[str] = shell.InteractiveTB.structured_traceback(
        type(error), error, error.__traceback__
    )
    return lines


class ConfigurationError(ExpertFileError, ValueError):
    """Settings are missing or contradict each other (credentials, base URL, cache path)."""


class NotLoggedInError(ConfigurationError):
    """A data call came before any login succeeded.

    In IPython and Jupyter it shows as its message, as every error here does: the
    traceback would only lead through this package's internals to the same sentence.
    """


class InsecureTransportError(ConfigurationError):
    """A plain ``http://`` URL for a host that is not loopback; use ``https://``."""


class ProfileError(ConfigurationError):
    """A named profile cannot be used: no such profile, no file, a malformed file, or a
    file holding a secret that other users can read."""


class JournalError(ConfigurationError):
    """A journal that cannot be used: not one of ours, an older version, damaged by
    hand, or in use by another run. Nothing was sent."""


class JournalElsewhereError(JournalError):
    """A journal resumed or undone against another service or organization than the
    one it was applied to. Nothing was sent."""


class AuthenticationError(ExpertFileError):
    """The service refused the client credentials or the access token.

    Attributes:
        status: the HTTP status (401, 400, …), or ``None`` if no response was involved.
        error: the OAuth error code the server sent (``invalid_client``,
            ``invalid_token``, …), or ``None``.
    """

    def __init__(self, message: str, *, status: int | None = None, error: str | None = None):
        super().__init__(message)
        self.status = status
        self.error = error


class TokenResponseError(ExpertFileError):
    """The token endpoint answered, but not with a token this package can read.

    Attributes:
        status: the HTTP status of that answer.
    """

    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        self.status = status


class NetworkError(ExpertFileError, OSError):
    """The service could not be reached, or stopped answering, after the retries."""


class NotConnectedError(NetworkError):
    """No connection could be opened (refused, unreachable, a connect timeout, a name that
    does not resolve), after the retries: the request was never sent, so a write did not
    happen and may be sent again."""


class BrokenResponseError(NetworkError):
    """The answer started but broke off (truncated or undecodable body). Worth one more try."""


class DeadlineExceededError(NetworkError):
    """The whole answer did not arrive within the deadline (a server that drips bytes).

    Attributes:
        deadline: the seconds allowed for the request and its whole answer.
    """

    def __init__(self, message: str, *, deadline: float) -> None:
        super().__init__(message)
        self.deadline = deadline


class ResponseTooLargeError(ExpertFileError):
    """The answer (decompressed) was larger than this package accepts for that request.

    Attributes:
        limit: the largest answer accepted, in bytes.
    """

    def __init__(self, message: str, *, limit: int) -> None:
        super().__init__(message)
        self.limit = limit


class APIError(ExpertFileError, requests.HTTPError):
    """A data request failed after the retries.

    Attributes:
        status: the HTTP status, or ``None`` when the body, not the status, was wrong.
        url: the URL requested (it never holds a token).
        error: the server's error code, if it sent one.
        response: a copy of the ``requests.Response`` (status, headers, body) whose
            request has its ``Authorization`` header masked; ``None`` if there was none.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        url: str = "",
        error: str | None = None,
        response: Any = None,
    ):
        requests.HTTPError.__init__(self, hide(message), response=response)
        self.status = status
        self.url = hide(url)
        self.error = error

    def __reduce__(self) -> Any:
        return (_rebuild, (type(self), str(self), self.__dict__))


def _rebuild(cls: type[APIError], message: str, state: dict[str, Any]) -> APIError:
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error


class NotFoundError(APIError):
    """404: the organization or expert does not exist (or is not visible to this client)."""


class RateLimitError(APIError):
    """429: too many requests, still after waiting as the server asked.

    Attributes:
        retry_after: seconds the server asked to wait, if it said.
    """

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class UnconfirmedWriteError(ExpertFileError):
    """A write got no clear answer (no answer, a timeout after sending, a 5xx) and reading
    the record back could not tell whether it was carried out. Nothing was sent again.

    Attributes:
        method: the write's HTTP method.
        path: the write's path (it never holds a token).
    """

    def __init__(self, message: str, *, method: str, path: str) -> None:
        super().__init__(message)
        self.method = method
        self.path = path


class IncompleteDataError(ExpertFileError):
    """A pull could not prove it got every record exactly once (see the message)."""


class TokenCacheWarning(UserWarning):
    """The token cache file was unreadable, corrupt or too widely readable, and was skipped."""
