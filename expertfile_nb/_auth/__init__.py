"""Who we are to the service: where credentials come from (``credentials``, the profiles
file ``profiles``), the access token and its request (``token``), the remembered token on
disk (``token_file``), the single-flight bearer auth (``provider``), the session every data
call goes through (``session``), the default login (``state``, ``login``, ``status``).

May import: ``_http`` and the base modules (``errors``, ``_redact``, ``codes``, ``_version``).
"""
