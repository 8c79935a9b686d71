"""The remembered token on disk: one JSON file, mode 0600, written atomically, locked.

Only tokens are remembered, never secrets. The file lives in a folder that is
created 0700; a folder that other users can write to, or a file that others can
read, is not trusted: it is skipped with a :class:`TokenCacheWarning` and the
token is kept in memory only.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from expertfile_nb._auth.token import Token
from expertfile_nb.errors import ConfigurationError, TokenCacheWarning

__all__ = ["CACHE_FORMAT", "TokenFile"]

CACHE_FORMAT = 1


class TokenFile:
    """A JSON file of remembered tokens (never secrets), one per (base URL, client id).

    It is written atomically (temporary file, fsync, ``os.replace``) with mode
    0600 in a folder created 0700, and :meth:`locked` holds a cross-process lock
    (``filelock``) so that processes starting together fetch one token, not one each.
    A file that is unreadable, corrupt or readable by others, or a folder that
    others can write to, is skipped with a :class:`TokenCacheWarning`, never a
    crash; the next write replaces the file.
    """

    def __init__(self, path: Path, *, lock_timeout: float = 60.0) -> None:
        self.path = path
        self.lock_timeout = lock_timeout

    def __repr__(self) -> str:
        return f"TokenFile({str(self.path)!r})"

    @contextlib.contextmanager
    def locked(self) -> Iterator[bool]:
        """Hold the cross-process lock; yields ``False`` if no lock could be made (read-only,
        or a folder that cannot be trusted)."""
        from filelock import FileLock, Timeout  # only when a token is remembered

        try:
            self._ensure_folder()
            if not self._folder_is_private():
                yield False
                return
            lock = FileLock(str(self.path) + ".lock", timeout=self.lock_timeout, mode=0o600)
            lock.acquire()
        except Timeout:
            raise ConfigurationError(
                f"Another process has held the token cache lock {self.path}.lock for "
                f"{self.lock_timeout:g} s. If no other process is logging in, delete that file."
            ) from None
        except OSError as exc:
            self._warn(f"cannot lock it ({exc.strerror}); remembering in memory only")
            yield False
            return
        try:
            yield True
        finally:
            lock.release()

    def _ensure_folder(self) -> None:
        folder = self.path.parent
        if not folder.exists():
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)

    def _folder_is_private(self) -> bool:
        """Whether no other user can write into the folder (and so swap the file)."""
        if os.name != "posix":
            return True
        try:
            mode = self.path.parent.stat().st_mode
        except OSError:
            return True  # it does not exist yet: it will be created 0700
        if mode & (stat.S_IWGRP | stat.S_IWOTH):
            self._warn(
                f"its folder is writable by other users (mode {stat.S_IMODE(mode):o}); "
                "not using it — the token is kept in memory only. Use a private folder "
                "(chmod 700) or set EXPERTFILE_TOKEN_CACHE"
            )
            return False
        return True

    def _warn(self, what: str) -> None:
        warnings.warn(f"Token cache {self.path}: {what}.", TokenCacheWarning, stacklevel=4)

    def read_all(self) -> list[dict[str, Any]]:
        """The entries in the file; ``[]`` (with a warning) if it cannot be trusted."""
        if not self._folder_is_private():
            return []
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return []
        except OSError as exc:
            self._warn(f"cannot read it ({exc.strerror}); ignoring it")
            return []
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            self._warn("it is not a regular file (a folder?); ignoring it")
            return []
        with os.fdopen(fd, "rb") as handle:
            mode = os.fstat(handle.fileno()).st_mode
            if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
                self._warn(
                    f"it is readable by other users (mode {stat.S_IMODE(mode):o}); ignoring it — "
                    "it will be rewritten with mode 600"
                )
                return []
            try:
                raw = handle.read(1024 * 1024)
            except OSError as exc:
                self._warn(f"cannot read it ({exc.strerror}); ignoring it")
                return []
        try:
            content = json.loads(raw)
            entries = content["tokens"]
            if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
                raise TypeError
        except (ValueError, KeyError, TypeError, RecursionError):
            self._warn("it is not a token cache file this version can read; ignoring it")
            return []
        return entries

    def load(self, base_url: str, client_id: str | None) -> Token | None:
        """The remembered token for ``base_url`` (and ``client_id``, if given), if any."""
        best: Token | None = None
        for entry in self.read_all():
            if entry.get("base_url") != base_url:
                continue
            if client_id is not None and entry.get("client_id") != client_id:
                continue
            token = Token.from_json(entry)
            if token is not None and (best is None or token.expires_at > best.expires_at):
                best = token
        return best

    def base_urls(self) -> list[str]:
        """The base URLs that have a remembered token (for ``status`` messages)."""
        return sorted({str(e.get("base_url")) for e in self.read_all() if e.get("base_url")})

    def save(self, base_url: str, token: Token | None, client_id: str | None = None) -> bool:
        """Store ``token`` (or, with ``None``, forget ``client_id``'s) for ``base_url``.

        Returns:
            Whether the file was written.
        """
        if not self._folder_is_private():
            return False
        forget = token.client_id if token else client_id
        kept = [
            e
            for e in self.read_all()
            if not (
                e.get("base_url") == base_url and (forget is None or e.get("client_id") == forget)
            )
        ]
        if token is not None:
            kept.append(token.to_json(base_url))
        return self._write({"format": CACHE_FORMAT, "tokens": kept})

    def _write(self, content: dict[str, Any]) -> bool:
        try:
            self._ensure_folder()
            import tempfile  # only when a token is remembered: keeps import time low

            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".token-", suffix=".tmp")
        except OSError as exc:
            self._warn(f"cannot write it ({exc.strerror}); the token is kept in memory only")
            return False
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:  # mkstemp: mode 0600
                json.dump(content, handle, indent=1)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            self._warn(f"cannot write it ({exc.strerror}); the token is kept in memory only")
            return False
        return True

    def delete(self, base_url: str) -> bool:
        """Forget the token for ``base_url``. Returns whether there was one."""
        if not self.path.exists():
            return False
        had = any(e.get("base_url") == base_url for e in self.read_all())
        return self.save(base_url, None) and had
