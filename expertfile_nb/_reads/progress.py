"""The progress bar of a pull: only in a notebook or on a terminal, never for one page,
and gone when the pull is done (no leftover bar in the notebook or the terminal)."""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["progress_bar"]


def _want_progress(progress: bool | None) -> bool:
    if progress is not None:
        return progress
    ipython = sys.modules.get("IPython")  # loaded if we run in a kernel; never imported here
    shell = ipython.get_ipython() if ipython is not None else None
    if type(shell).__name__ == "ZMQInteractiveShell":
        return True
    return sys.stderr is not None and sys.stderr.isatty()


def progress_bar(desc: str, target: int, size: int, progress: bool | None) -> Any:
    """A ``tqdm.auto`` bar over ``target`` rows, or ``None`` (one page, or nowhere to show it)."""
    if target <= size or not _want_progress(progress):
        return None
    from tqdm.auto import tqdm

    return tqdm(total=target, desc=desc, unit=" rows", leave=False)
