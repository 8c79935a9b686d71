"""Checking the fake against the live service: a bounded read-only client (``prober``),
the probes (``probes``), their report (``report``), ``ef.check()`` (``check``), and
saving answers for the fake (``capture``, ``anonymize``).

May import: ``_reads``, ``_auth``, ``_http`` and the base modules.
"""
