"""The read functions (``ef.get_experts`` …), for code that imports them from this module.

They live in :mod:`expertfile_nb._reads.data`; ``import expertfile_nb as ef`` is the way
the documentation uses them. ``RETURN_FIELDS`` lists the names ``fields=`` takes.
"""

from expertfile_nb._reads.data import *  # noqa: F403 -- the same public names, nothing else
