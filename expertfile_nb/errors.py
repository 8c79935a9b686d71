"""Every error this package raises, in one tree.

::

    ExpertFileError                      catch this to catch them all
     ├── ConfigurationError (ValueError)  missing or contradictory settings
     │    ├── NotLoggedInError            no login yet (finish the form, or set env vars)
     │    └── InsecureTransportError      http:// to a host that is not loopback
     ├── AuthenticationError              the service refused the credentials or token
     │                                    (.status, .error: the OAuth error code)
     ├── TokenResponseError               the token endpoint answered something unreadable
     ├── NetworkError (OSError)           no answer: connection refused, reset, timed out
     │    └── BrokenResponseError         the answer broke off mid-body
     ├── APIError                         a data call failed (.status, .url, .error)
     │    ├── NotFoundError               404
     │    └── RateLimitError              429 (.retry_after, seconds)
     └── IncompleteDataError              a pull could not prove it got every record

Messages say what happened and what to do. They never hold a client secret
or an access token: the server's text is quoted in short excerpts with
anything token-like redacted.
"""

from __future__ import annotations

__all__ = [
    "APIError",
    "AuthenticationError",
    "BrokenResponseError",
    "ConfigurationError",
    "ExpertFileError",
    "IncompleteDataError",
    "InsecureTransportError",
    "NetworkError",
    "NotFoundError",
    "NotLoggedInError",
    "RateLimitError",
    "TokenCacheWarning",
    "TokenResponseError",
]


class ExpertFileError(Exception):
    """Base class of every error raised by expertfile-nb."""


class ConfigurationError(ExpertFileError, ValueError):
    """Settings are missing or contradict each other (credentials, base URL, cache path)."""


class NotLoggedInError(ConfigurationError):
    """A data call came before any login succeeded."""


class InsecureTransportError(ConfigurationError):
    """A plain ``http://`` URL for a host that is not loopback; use ``https://``."""


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


class BrokenResponseError(NetworkError):
    """The answer started but broke off (truncated or undecodable body). Worth one more try."""


class APIError(ExpertFileError):
    """A data request failed after the retries.

    Attributes:
        status: the HTTP status, or ``None`` when the body, not the status, was wrong.
        url: the URL requested (it never holds a token).
        error: the server's error code, if it sent one.
    """

    def __init__(
        self, message: str, *, status: int | None = None, url: str = "", error: str | None = None
    ):
        super().__init__(message)
        self.status = status
        self.url = url
        self.error = error


class NotFoundError(APIError):
    """404: the organization or expert does not exist (or is not visible to this client)."""


class RateLimitError(APIError):
    """429: too many requests, still after waiting as the server asked.

    Attributes:
        retry_after: seconds the server asked to wait, if it said.
    """

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: object):
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.retry_after = retry_after


class IncompleteDataError(ExpertFileError):
    """A pull could not prove it got every record exactly once (see the message)."""


class TokenCacheWarning(UserWarning):
    """The token cache file was unreadable, corrupt or too widely readable, and was skipped."""
