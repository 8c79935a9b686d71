"""The command line, one module per command: ``main`` (the parser and the small
commands), ``demo``, ``apply``, ``pull`` (``pull`` and ``load``; files in ``pull_out``),
and what the line says about the login without a request (``state``).

May import anything in the package: nothing imports it back.
"""
