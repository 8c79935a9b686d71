"""Writing back: the documented writes as a table (``table``), sending one safely
(``send``), the public write functions (``writes``), a change and its values
(``change``), planning changes from two frames (``diff``), the plan and its views
(``plan``), the threaded applier (``apply``), restoring a deleted profile (``restore``),
resume and undo (``undo``), and the journal on disk (``journal``).

May import: ``_reads``, ``_auth``, ``_http`` and the base modules.
"""
