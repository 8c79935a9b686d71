"""The write functions (``ef.update_expert`` …), for code that imports them from this module.

They live in :mod:`expertfile_nb._edits.writes`; ``import expertfile_nb as ef`` is the way
the documentation uses them.
"""

from expertfile_nb._edits.writes import *  # noqa: F403 -- the same public names, nothing else
