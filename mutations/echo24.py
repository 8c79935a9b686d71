"""Mutations an independent reviewer invented for the cleaning of echoed secrets and tokens
(``expertfile_nb/_redact.py``'s ``clean``, ``_needles``, ``_mentions``, ``_clean_value``;
``load_json``'s ``raw`` flag; the undo's and the capture's reading of ``***``)."""

from __future__ import annotations

from mutations import Mutation

REDACT = "expertfile_nb/_redact.py"
READ = "tests/reads/test_echoed_secret.py"
READ_REVIEW = "tests/reads/test_echoed_secret_review.py"
PIPE = "tests/pipeline/test_pipeline_secrets.py"
PLAN = "tests/edits/test_review21_plan.py"
UNDO_REVIEW = "tests/edits/test_echo_undo_review.py"
CAPTURE = "tests/checks/test_capture_cli.py::test_hostile_usernames_leave_only_the_capture"
READS = [READ, READ_REVIEW]

MUTATIONS = [
    # -- what is looked for ---------------------------------------------------------------
    Mutation(
        name="echo24: the cut-short needle dropped (only whole values are looked for)",
        path=REDACT,
        old="                form = form[:_RUN_MIN] if form == value else form\n",
        new="",
        tests=READS,
    ),
    Mutation(
        name="echo24: the encoded forms dropped from the needles (plain value only)",
        path=REDACT,
        old="            for form in forms_of(value):\n",
        new="            for form in [value]:\n",
        tests=READS,
    ),
    Mutation(
        name="echo24: a secret's space is not looked for as '+' (form encoding)",
        path=REDACT,
        old='                    for f in (form, form.replace(" ", "+"), form.replace("+", " "))\n',
        new='                    for f in (form, form.replace("+", " "))\n',
        tests=READS,
    ),
    # -- how the text is read ---------------------------------------------------------------
    Mutation(
        name="echo24: JSON's escaped line breaks are not read as whitespace",
        path=REDACT,
        old='    (b"\\\\n", b" "),\n',
        new="",
        tests=READS,
    ),
    Mutation(
        name="echo24: PHP's escaped slash is not read as a slash",
        path=REDACT,
        old='    (b"\\\\/", b"/"),\n',
        new="",
        tests=READS,
    ),
    Mutation(
        name="echo24: JSON's escaped quote is not read as a quote",
        path=REDACT,
        old="    (b'\\\\\"', b'\"'),\n",
        new="",
        tests=READS,
    ),
    Mutation(
        name="echo24: JSON's escaped form feed is not read as whitespace",
        path=REDACT,
        old='    (b"\\\\f", b" "),\n',
        new="",
        tests=READS,
    ),
    Mutation(
        name="echo24: an escaped backslash is not paired first (C:\\\\nightly loses its n)",
        path=REDACT,
        old='    text = text.replace(b"\\\\\\\\", b"\\x00")  # JSON text holds no raw NUL\n',
        new="",
        tests=READS,
    ),
    Mutation(
        name="echo24: a string is read only with JSON escapes decoded (not as it is)",
        path=REDACT,
        old="        variants = [_unjson(text)] if json_text else [text, _unjson(text)]\n",
        new="        variants = [_unjson(text)]\n",
        tests=READS,
    ),
    Mutation(
        name="echo24: whitespace is not removed before the search",
        path=REDACT,
        old="    text = text.translate(None, _WHITESPACE)\n",
        new="",
        tests=READS,
    ),
    Mutation(
        name="echo24: whitespace beyond ASCII (no-break space, U+2028) is not removed",
        path=REDACT,
        old='    return text if text.isascii() else _WIDE_SPACE.sub(b"", text)\n',
        new="    return text\n",
        tests=READS,
    ),
    Mutation(
        name="echo24: the ASCII separators U+001C..U+001F are not whitespace",
        path=REDACT,
        old='_WHITESPACE = b" \\t\\n\\r\\x0b\\x0c\\x1c\\x1d\\x1e\\x1f"',
        new='_WHITESPACE = b" \\t\\n\\r\\x0b\\x0c"',
        tests=READS,
    ),
    Mutation(
        name="echo24: the percent-decoded reading skipped",
        path=REDACT,
        old='        if b"%" in compact:\n',
        new="        if False:\n",
        tests=READS,
    ),
    Mutation(
        name="echo24: the percent-decoded reading keeps its whitespace (%0A inside)",
        path=REDACT,
        old="            readings.append(_compact(unquote_to_bytes(compact)))\n",
        new="            readings.append(unquote_to_bytes(compact))\n",
        tests=READS,
    ),
    Mutation(
        name="echo24: the HTML-unescaped reading skipped",
        path=REDACT,
        old='        if b"&" in compact:  #',
        new="        if False:  #",
        tests=READS,
    ),
    Mutation(
        name="echo24: the HTML-unescaped reading keeps its whitespace (&#10; inside)",
        path=REDACT,
        old="            readings.append(_compact(unescaped))\n",
        new="            readings.append(unescaped)\n",
        tests=READS,
    ),
    Mutation(
        name="echo24: percent escapes mixed with HTML entities in one value are not read",
        path=REDACT,
        old="html.unescape(readings[-1].decode(",
        new="html.unescape(readings[0].decode(",
        tests=READS,
    ),
    # -- when the raw text is trusted -------------------------------------------------------
    Mutation(
        name="echo24: the ASCII-escape test misses the escapes of p..z and {|}~",
        path=REDACT,
        old='re.compile(rb"\\\\u(?:00[0-7]|',
        new='re.compile(rb"\\\\u(?:00[0-6]|',
        tests=READS,
    ),
    Mutation(
        name="echo24: a JSON escape of a wide whitespace character is searched raw",
        path=REDACT,
        old="|0085|00[aA]0|1680|200[0-9aA]|202[89fF]|205[fF]|3000)",
        new=")",
        tests=READS,
    ),
    Mutation(
        name="echo24: an answer with JSON escapes of ASCII characters is searched raw",
        path=REDACT,
        old="        or _ASCII_ESCAPE.search(raw)\n",
        new="",
        tests=READS,
    ),
    Mutation(
        name="echo24: an answer in UTF-16 or UTF-32 is searched raw",
        path=REDACT,
        old='        or not json.detect_encoding(raw).startswith("utf-8")',
        new="        or False",
        tests=READS,
    ),
    Mutation(
        name="echo24: an answer holding a lone surrogate is handed back uncleaned",
        path=REDACT,
        old='        raw = text.encode("utf-8", "replace")\n',
        new="        raw = text.encode()\n",
        tests=READS,
    ),
    Mutation(
        name="echo24: a non-ASCII needle is looked for in the raw (ASCII-escaped) text",
        path=REDACT,
        old="        needle.isascii() and b'\"' not in needle",
        new="        True and b'\"' not in needle",
        tests=READS,
    ),
    # -- what is cleaned --------------------------------------------------------------------
    Mutation(
        name="echo24: keys are not cleaned",
        path=REDACT,
        old="                target[fresh(key)] = fresh(item)\n",
        new="                target[key] = fresh(item)\n",
        tests=READS,
    ),
    Mutation(
        name="echo24: lists are not walked",
        path=REDACT,
        old="            target.extend(fresh(item) for item in source)\n",
        new="            target.extend(source)\n",
        tests=READS,
    ),
    Mutation(
        name="echo24: a nested list or dict is kept as it is (only the top level walked)",
        path=REDACT,
        old="            queue.append((item, copy))\n            return copy\n",
        new="            return item\n",
        tests=READS,
    ),
    Mutation(
        name="echo24: the walk recurses (a deep answer raises RecursionError)",
        path=REDACT,
        old="            queue.append((item, copy))\n            return copy\n",
        new="            return _clean_value(item, needles)\n",
        tests=READS,
    ),
    Mutation(
        name="echo24: a mix hide cannot cut is kept (no *** for the whole string)",
        path=REDACT,
        old=(
            '    return REDACTED if _mentions(hidden.encode("utf-8", "replace"), needles) '
            "else hidden\n"
        ),
        new="    return hidden\n",
        tests=READS,
    ),
    Mutation(
        name="echo24: the whole string becomes *** (the rest of the value lost)",
        path=REDACT,
        old="    hidden = hide(value)  # exact: only the part that holds it\n",
        new="    hidden = REDACTED\n",
        tests=READS,
    ),
    Mutation(
        name="echo24: an answer holding none is warned about (nothing cleaned, still said)",
        path=REDACT,
        old="    if not changed:\n        return value\n",
        new="",
        tests=READS,
    ),
    Mutation(
        name="echo24: a string cleaned is not counted (the answer handed back as it was)",
        path=REDACT,
        old="    changed.append(REDACTED)\n",
        new="",
        tests=READS,
    ),
    Mutation(
        name="echo24: an answer too deep to re-encode is handed back uncleaned",
        path=REDACT,
        old="            raw = None  # nested too deep to re-encode",
        new="            return value  # nested too deep to re-encode",
        tests=READS,
    ),
    Mutation(
        name="echo24: no warning when an answer is cleaned",
        path=REDACT,
        old="    _LOG.warning(\n",
        new="    _LOG.debug(\n",
        tests=READS,
    ),
    # -- the raw flag -----------------------------------------------------------------------
    Mutation(
        name="echo24: load_json's raw flag inverted",
        path="expertfile_nb/_http/envelope.py",
        old="    return body if raw else clean(body, content)\n",
        new="    return clean(body, content) if raw else body\n",
        tests=READS,
    ),
    Mutation(
        name="echo24: load_json never cleans",
        path="expertfile_nb/_http/envelope.py",
        old="    return body if raw else clean(body, content)\n",
        new="    return body\n",
        tests=[READ, PIPE],
    ),
    Mutation(
        name="echo24: the token answer is cleaned (a token the process holds becomes ***)",
        path="expertfile_nb/_auth/token.py",
        old="    parsed: Any = load_json(body, raw=True)",
        new="    parsed: Any = load_json(body)",
        tests=READS,
    ),
    # -- the undo and the capture -----------------------------------------------------------
    Mutation(
        name="echo24: _marked ignores *** in a string",
        path="expertfile_nb/_edits/change.py",
        old="        return REDACTED in value\n",
        new="        return False\n",
        tests=[PLAN, UNDO_REVIEW],
    ),
    Mutation(
        name="echo24: _marked does not look into a dict (a section item)",
        path="expertfile_nb/_edits/change.py",
        old="        return any(_marked(k) or _marked(v) for k, v in value.items())\n",
        new="        return False\n",
        tests=[PLAN, UNDO_REVIEW],
    ),
    Mutation(
        name="echo24: an update whose before was read with *** is undone",
        path="expertfile_nb/_edits/restore.py",
        old="    if _not_seen_whole(change.new):",
        new="    if False:",
        tests=[PLAN, UNDO_REVIEW],
    ),
    Mutation(
        name="echo24: the undo checks the value it undoes, not the one it writes back",
        path="expertfile_nb/_edits/restore.py",
        old="    if _not_seen_whole(change.new):",
        new="    if _not_seen_whole(change.old):",
        tests=[PLAN, UNDO_REVIEW],
    ),
    Mutation(
        name="echo24: a deleted person's account field read with *** is written back",
        path="expertfile_nb/_edits/restore.py",
        old="                {k: v for k, v in row.items() if not _not_seen_whole(v)}\n",
        new="                dict(row)\n",
        tests=[PLAN, UNDO_REVIEW],
    ),
    Mutation(
        name="echo24: a deleted person's section item read with *** is written back",
        path="expertfile_nb/_edits/restore.py",
        old="            kept[key] = [item for item in items if not _not_seen_whole(item)]\n",
        new="            kept[key] = list(items)\n",
        tests=[PLAN, UNDO_REVIEW],
    ),
    Mutation(
        name="echo24: the not-undone detail loses its reason",
        path="expertfile_nb/_edits/apply.py",
        old='                self._finish(n, "not undone", reasons[n] or "")\n',
        new='                self._finish(n, "not undone", "")\n',
        tests=[PLAN, UNDO_REVIEW],
    ),
    Mutation(
        name="echo24: the capture keeps a username read as ***",
        path="expertfile_nb/_checks/capture.py",
        old="        if REDACTED in text or contains_any(text, _hidden(self.session)):\n",
        new="        if contains_any(text, _hidden(self.session)):\n",
        tests=[CAPTURE],
    ),
]
