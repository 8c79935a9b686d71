"""Reading the organization: the documented read endpoints as a table (``endpoints``),
their query parameters (``query``), the verified concurrent pull (``paging``; its pages,
ranges and re-pull in ``page``, paced by ``pace``, its duplicate check in ``keys``, its bar
in ``progress``), single reads
(``records``), records into DataFrames (``frames``), whole profiles (``profiles``), the
four tables of pipelines (``tables``) and the public read functions (``data``).

May import: ``_auth``, ``_http`` and the base modules.
"""
