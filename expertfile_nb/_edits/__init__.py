"""Writing back: the documented writes as a table (``table``), sending one safely (``send``)
and what a write reads (``readback``), the public write functions (``people``, ``items``,
``inquiry``), a change and its values (``change``), planning changes from two frames
(``diff``), the plan and its views (``plan``), the threaded applier (``apply``), restoring
a deleted profile (``restore``), resume and undo (``undo``), and the journal on disk
(``journal``).

May import: ``_reads``, ``_auth``, ``_http`` and the base modules.
"""
