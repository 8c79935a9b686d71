"""How a request travels, before any credential: the base URL and settings (``config``),
the retry policy and bounded reads (``transport``), the deadline that ends a request
wherever it is blocked (``deadline``), and the service's envelope (``envelope``).

May import: :mod:`expertfile_nb.errors`, :mod:`expertfile_nb._redact`, ``_version``.
"""
