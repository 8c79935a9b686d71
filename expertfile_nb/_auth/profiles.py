"""Named profiles: one TOML file of ``[profiles.NAME]`` tables, as the AWS CLI and Databricks do.

```toml
[profiles.staging]
base_url = "https://staging.example.org"
client_id = "abc123"
client_secret = "…"          # the file must then be mode 600

[profiles.agency-client-b]
client_id = "def456"         # the secret from the system keyring (the `keyring` extra)
```

The file is ``EXPERTFILE_CONFIG``, else ``config.toml`` in the user config folder
(``platformdirs``: ``~/.config/expertfile-nb/config.toml`` on Linux). It is read only when
a profile is named (``ef.Client(profile=…)``, ``EXPERTFILE_PROFILE``, ``--profile``): a
file nobody asked for never changes who you log in as. A file that holds a secret and that
other users can read (any group or other permission bit) is refused, naming the file and
``chmod 600``. Imports nothing of the package but the settings and the errors.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from typing import Any, NamedTuple

from expertfile_nb.errors import ProfileError

__all__ = ["ENV_CONFIG", "ENV_PROFILE", "Profile", "ProfileError", "config_file", "load_profile"]

ENV_CONFIG = "EXPERTFILE_CONFIG"
ENV_PROFILE = "EXPERTFILE_PROFILE"
#: the keys a profile may have
KEYS = ("base_url", "client_id", "client_secret")
#: the keyring service name under which ``keyring set expertfile-nb CLIENT_ID`` keeps a secret
KEYRING_SERVICE = "expertfile-nb"
_MAX_BYTES = 1024 * 1024


class Profile(NamedTuple):
    """One ``[profiles.NAME]`` table. ``repr`` never shows the secret."""

    name: str
    path: Path
    base_url: str | None = None
    client_id: str | None = None
    client_secret: str | None = None

    def __repr__(self) -> str:
        secret = "'***'" if self.client_secret else "None"
        return (
            f"Profile(name={self.name!r}, path={str(self.path)!r}, base_url={self.base_url!r}, "
            f"client_id={self.client_id!r}, client_secret={secret})"
        )

    def __reduce__(self) -> Any:
        raise TypeError("Profiles are not pickled: the secret would be written out.")


def config_file() -> Path:
    """``EXPERTFILE_CONFIG``, else ``config.toml`` in the user config folder (platformdirs)."""
    configured = os.environ.get(ENV_CONFIG, "").strip()
    if configured:
        return Path(configured).expanduser()
    import platformdirs  # only when a profile is named

    return Path(platformdirs.user_config_dir("expertfile-nb", appauthor=False)) / "config.toml"


def _toml() -> Any:
    import importlib

    # Python 3.11 has tomllib; 3.10 has the same parser as the dependency `tomli`
    return importlib.import_module("tomllib" if sys.version_info >= (3, 11) else "tomli")


def _read(path: Path) -> tuple[bytes, int]:
    """The file's bytes and its mode, read from one open file (no swap in between)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        raise ProfileError(
            f"No profiles file at {path}. Create it (mode 600) with a [profiles.NAME] table "
            f"holding base_url, client_id and client_secret, or point {ENV_CONFIG} at yours."
        ) from None
    except OSError as exc:
        raise ProfileError(f"Cannot read the profiles file {path}: {exc.strerror}.") from None
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(handle.fileno()).st_mode
        if not stat.S_ISREG(mode):
            raise ProfileError(f"The profiles file {path} is not a regular file.")
        raw = handle.read(_MAX_BYTES + 1)
    if len(raw) > _MAX_BYTES:
        raise ProfileError(f"The profiles file {path} is over 1 MiB: not a profiles file.")
    return raw, mode


def _parse(path: Path, raw: bytes) -> dict[str, Any]:
    toml = _toml()
    try:
        document: dict[str, Any] = toml.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ProfileError(f"The profiles file {path} is not UTF-8 text.") from None
    except toml.TOMLDecodeError as exc:
        # the parser's message ends with "(at line L, column C)"; the values are not quoted
        raise ProfileError(f"The profiles file {path} is not valid TOML: {exc}.") from None
    return document


def _tables(path: Path, document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    profiles = document.get("profiles", {})
    if not isinstance(profiles, dict) or not all(isinstance(t, dict) for t in profiles.values()):
        raise ProfileError(
            f"In {path}, 'profiles' must hold tables: [profiles.NAME] with base_url, "
            "client_id and client_secret."
        )
    for name, table in profiles.items():
        unknown = sorted(set(table) - set(KEYS))
        if unknown:
            raise ProfileError(
                f"In {path}, [profiles.{name}] has unknown key(s) {', '.join(unknown)}; "
                f"a profile has {', '.join(KEYS)}."
            )
        wrong = [key for key, value in table.items() if not isinstance(value, str)]
        if wrong:
            raise ProfileError(
                f"In {path}, [profiles.{name}] {wrong[0]} must be a string in quotes."
            )
    return profiles


def _check_private(path: Path, mode: int, profiles: dict[str, dict[str, Any]]) -> None:
    if os.name != "posix" or not any(t.get("client_secret") for t in profiles.values()):
        return
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ProfileError(
            f"Refusing the profiles file {path}: it holds a client secret and other users can "
            f"read it (mode {stat.S_IMODE(mode):o}). Make it private: chmod 600 {path}"
        )


def _keyring_secret(client_id: str) -> str | None:
    """The secret kept for ``client_id`` in the system keyring, if the extra is installed."""
    import importlib

    try:
        keyring: Any = importlib.import_module("keyring")  # the optional extra `keyring`
    except ImportError:
        return None
    try:
        secret = keyring.get_password(KEYRING_SERVICE, client_id)
    except Exception:  # no backend, locked keyring: the profile then lacks its secret
        return None
    return secret if isinstance(secret, str) and secret.strip() else None


def load_profile(name: str, path: Path | None = None) -> Profile:
    """The profile ``name`` from the profiles file (default :func:`config_file`).

    A profile without ``client_secret`` takes it from the system keyring (service
    ``expertfile-nb``, user the client id) when the ``keyring`` extra is installed.

    Raises:
        ProfileError: no file, a malformed file (named, with the line), a secret that
            other users can read, no profile of that name (the names there are listed),
            half a client id/secret pair.
    """
    if not isinstance(name, str) or not name.strip():
        raise ProfileError(f"A profile name must be a non-empty string; got {name!r:.40}.")
    name = name.strip()
    path = config_file() if path is None else path
    raw, mode = _read(path)
    profiles = _tables(path, _parse(path, raw))
    _check_private(path, mode, profiles)
    if name not in profiles:
        listed = ", ".join(sorted(profiles)) or "none"
        raise ProfileError(
            f"No profile {name!r} in {path}. The profiles there: {listed}. Add a "
            f"[profiles.{name}] table, or choose one of those."
        )
    table = {key: value.strip() for key, value in profiles[name].items() if value.strip()}
    client_id = table.get("client_id")
    secret = table.get("client_secret")
    if client_id and not secret:
        secret = _keyring_secret(client_id)
    if bool(client_id) != bool(secret):
        missing = "client_secret" if client_id else "client_id"
        raise ProfileError(
            f"[profiles.{name}] in {path} has no {missing}: a profile holds both (or, with "
            f"the keyring extra, keyring set {KEYRING_SERVICE} CLIENT_ID for the secret), or "
            "neither (then only its base_url is used)."
        )
    return Profile(name, path, table.get("base_url"), client_id, secret)


def profile_from_environment() -> str | None:
    """``EXPERTFILE_PROFILE``, if set."""
    return os.environ.get(ENV_PROFILE, "").strip() or None
