"""Mutations an independent reviewer (lead24) invented for this session's changes:
``NotConnectedError`` (what says "nothing was sent") and the retry policy that guards it,
the resumed create's and restore's settle delay within the deadline, the restore of a
deleted person (``still_there``, a username read as ``***``, the parts an earlier run sent),
``find_person``'s namesake, a secret's ``+`` read back as a space, the fake's status
settings."""

from __future__ import annotations

from mutations import Mutation

SESSION = "expertfile_nb/_auth/session.py"
TRANSPORT = "expertfile_nb/_http/transport.py"
SEND = "expertfile_nb/_edits/send.py"
APPLY = "expertfile_nb/_edits/apply.py"
RESTORE = "expertfile_nb/_edits/restore.py"
PEOPLE = "expertfile_nb/_edits/people.py"
REDACT = "expertfile_nb/_redact.py"
SETTINGS = "fake_server/settings.py"

UNREACHABLE = "tests/edits/test_write_unreachable.py"
PLAN = "tests/edits/test_review21_plan.py"
UNDO = "tests/edits/test_undo_safety.py"
FORMS = "tests/transport/test_redaction_forms.py"
FAKE = "tests/fake/test_fake_settings.py"
T_REVIEW = "tests/transport/test_lead24_review.py"
E_REVIEW = "tests/edits/test_lead24_review.py"
F_REVIEW = "tests/fake/test_lead24_review.py"

MUTATIONS = [
    # -- NotConnectedError: only when nothing was sent --------------------------------------
    Mutation(
        name="lead24: a write that never connected is re-read as one that may have happened",
        path=SEND,
        old="    if isinstance(error, NotConnectedError):\n"
        "        return False  # no connection was ever opened: nothing was sent\n",
        new="",
        tests=[UNREACHABLE],
    ),
    Mutation(
        name="lead24: every connection error is 'never connected' (a reset after sending too)",
        path=SESSION,
        old="    return isinstance(reason, (NewConnectionError, ConnectTimeoutError))\n",
        new="    return True\n",
        tests=[UNREACHABLE, T_REVIEW, E_REVIEW],
    ),
    Mutation(
        name="lead24: no connection error is 'never connected'",
        path=SESSION,
        old="    return isinstance(reason, (NewConnectionError, ConnectTimeoutError))\n",
        new="    return False\n",
        tests=[UNREACHABLE],
    ),
    Mutation(
        name="lead24: a redirect followed to where no connection opens says 'nothing was sent'",
        path=SESSION,
        old="            if answered:  # e.g. a 303 after a PUT",
        new="            if False:  # e.g. a 303 after a PUT",
        tests=[T_REVIEW],
    ),
    Mutation(
        name="lead24: the answers of a call are not noted",
        path=SESSION,
        old="[self._note_answer, self._replay_on_401,",
        new="[self._replay_on_401,",
        tests=[T_REVIEW],
    ),
    Mutation(
        name="lead24: a policy that names only writes is left with an empty set (any method)",
        path=TRANSPORT,
        old="allowed_methods=kept or _NO_METHOD)",
        new="allowed_methods=kept)",
        tests=[T_REVIEW],
    ),
    Mutation(
        name="lead24: an empty allowed_methods (urllib3 2's 'any') read as none",
        path=TRANSPORT,
        old='    if not methods:  # urllib3\'s "any method"',
        new='    if methods is None:  # urllib3\'s "any method"',
        tests=[T_REVIEW],
    ),
    # -- the settle delay within the deadline -----------------------------------------------
    Mutation(
        name="lead24: the settle delay is waited whatever the deadline",
        path=APPLY,
        old="        if self.deadline is not None and (left[0] if left else self.deadline) "
        "<= SETTLE_SECONDS:\n",
        new="        if False:\n",
        tests=[PLAN],
    ),
    Mutation(
        name="lead24: the settle delay is measured against the whole deadline, not what is left",
        path=APPLY,
        old="(left[0] if left else self.deadline) <= SETTLE_SECONDS",
        new="self.deadline <= SETTLE_SECONDS",
        tests=[PLAN, E_REVIEW],
    ),
    Mutation(
        name="lead24: a create's searches and settle do not count in its deadline",
        path=APPLY,
        old="        with within(self.deadline) if self.deadline else contextlib.nullcontext():\n"
        "            existing = find_person(",
        new="        with contextlib.nullcontext():\n            existing = find_person(",
        tests=[PLAN, E_REVIEW],
    ),
    Mutation(
        name="lead24: a create's paced turn and write count in its searches' deadline",
        path=APPLY,
        old="                self._create(group[0], first)\n",
        new="                with within(self.deadline) if self.deadline else "
        "contextlib.nullcontext():\n"
        "                    self._create(group[0], first)\n",
        tests=[E_REVIEW],
    ),
    Mutation(
        name="lead24: a resumed create searches again at once when the settle does not fit",
        path=APPLY,
        old="existing = find_person(self.person, body, self.session) if self._settle() else None",
        new="existing = find_person(self.person, body, self.session) "
        "if self._settle() or True else None",
        tests=[PLAN],
    ),
    Mutation(
        name="lead24: a resumed restore's searches and settle do not count in its deadline",
        path=RESTORE,
        old="        with within(app.deadline) if app.deadline else contextlib.nullcontext():\n",
        new="        with contextlib.nullcontext():\n",
        tests=[E_REVIEW],
    ),
    Mutation(
        name="lead24: a resumed restore searches again at once when the settle does not fit",
        path=RESTORE,
        old="username = find(app, change.new) if app._settle() else None",
        new="username = find(app, change.new) if app._settle() or True else None",
        tests=[UNDO, E_REVIEW],
    ),
    Mutation(
        name="lead24: a resumed restore's parts are re-read at once when the settle does not fit",
        path=RESTORE,
        old="        if not app._settle():\n",
        new="        if not (app._settle() or True):\n",
        tests=[UNDO, E_REVIEW],
    ),
    # -- the restore of a deleted person ----------------------------------------------------
    Mutation(
        name="lead24: whoever holds the deleted username is taken for the person",
        path=RESTORE,
        old="    return shown is not None and all(\n",
        new="    return shown is not None or all(\n",
        tests=[UNDO],
    ),
    Mutation(
        name="lead24: still_there never compares the email",
        path=RESTORE,
        old='        if k != "email" or (k in shown and k in fields)\n',
        new='        if k != "email"\n',
        tests=[UNDO, E_REVIEW],
    ),
    Mutation(
        name="lead24: still_there compares the email even when the read does not show it",
        path=RESTORE,
        old='        if k != "email" or (k in shown and k in fields)\n',
        new="        if True\n",
        tests=[UNDO, E_REVIEW],
    ),
    Mutation(
        name="lead24: a restore answered with the token as username goes on writing to ***",
        path=RESTORE,
        old="    if _not_seen_whole(username):  # read as ***",
        new="    if False:  # read as ***",
        tests=[UNDO],
    ),
    Mutation(
        name="lead24: the parts an earlier run sent are not collected from the journal",
        path=APPLY,
        old='                    self._parts_before.setdefault(i, set()).add(record["part"])\n',
        new="                    pass\n",
        tests=[UNDO],
    ),
    Mutation(
        name="lead24: a resumed restore's parts are not re-read after the settle",
        path=RESTORE,
        old="        now = _get_data(app.session, path)\n"
        '        writes, lost, unread = _restore_writes(app.person, change.old["profile"], now)\n'
        "    for section",
        new="    for section",
        tests=[UNDO],
    ),
    # -- find_person's namesake -------------------------------------------------------------
    Mutation(
        name="lead24: a namesake whose account shows the names alone is taken for the person",
        path=PEOPLE,
        old="                if _matches(account, others) is None:",
        new="                if False:",
        tests=[PLAN],
    ),
    Mutation(
        name="lead24: a namesake shown by names alone reads as 'nobody' (a resume resends)",
        path=PEOPLE,
        old='    return None if unsure else ""\n',
        new='    return ""\n',
        tests=[PLAN, E_REVIEW],
    ),
    Mutation(
        name="lead24: the names are compared as the other fields too (never names alone)",
        path=PEOPLE,
        old='    others = {k: v for k, v in body.items() if k not in ("firstname", "lastname")}\n',
        new="    others = dict(body)\n",
        tests=[PLAN],
    ),
    # -- a secret's '+' read back as a space -------------------------------------------------
    Mutation(
        name="lead24: messages: a '+' read back as a space not looked for",
        path=REDACT,
        old='            "".join(f.split()) for f in (form, form.replace(" ", "+"), '
        'form.replace("+", " "))\n',
        new='            "".join(f.split()) for f in (form, form.replace(" ", "+"))\n',
        tests=[FORMS],
    ),
    Mutation(
        name="lead24: data: a '+' read back as a space not looked for",
        path=REDACT,
        old='                    for f in (form, form.replace(" ", "+"), form.replace("+", " "))\n',
        new='                    for f in (form, form.replace(" ", "+"))\n',
        tests=[FORMS],
    ),
    # -- the fake's status settings ---------------------------------------------------------
    Mutation(
        name="lead24: fake: a choice setting takes a value of another type (404.0)",
        path=SETTINGS,
        old="            if not any(type(value) is type(a) and value == a for a in allowed):",
        new="            if value not in allowed:",
        tests=[FAKE],
    ),
    Mutation(
        name="lead24: fake: foreign_org_status takes a 500",
        path=SETTINGS,
        old="ForeignOrgStatus = Literal[403, 404]",
        new="ForeignOrgStatus = Literal[403, 404, 500]",
        tests=[FAKE],
    ),
    Mutation(
        name="lead24: fake: undocumented_write_status refuses 404",
        path=SETTINGS,
        old="UndocumentedWriteStatus = Literal[405, 404]",
        new="UndocumentedWriteStatus = Literal[405]",
        tests=[FAKE],
    ),
]

RUNNER = "mutations/__main__.py"
RUNNER_TEST = "tests/test_lead24_mutations.py"

MUTATIONS += [
    # -- the runner: a survivor among the parallel run is run again alone ------------------
    Mutation(
        name="lead24: runner: the survivors are not run again alone (nor reported)",
        path=RUNNER,
        old="        for mutation in survivors:  # once more, alone on the machine\n",
        new="        for mutation in []:  # once more, alone on the machine\n",
        tests=[RUNNER_TEST],
    ),
    Mutation(
        name="lead24: runner: a survivor killed when run alone still fails the run",
        path=RUNNER,
        old="                sensitive.append(mutation.name)\n",
        new="                failures.append(mutation.name)\n",
        tests=[RUNNER_TEST],
    ),
    Mutation(
        name="lead24: runner: a survivor is run again alone but its survival is forgotten",
        path=RUNNER,
        old='{outcome} (also when run alone)")\n',
        new='{outcome} (also when run alone)") if False else None\n',
        tests=[RUNNER_TEST],
    ),
]

MUTATIONS += [
    # -- the pyarrow backend into a destination that is not DuckDB -------------------------
    Mutation(
        name="lead24: pipeline: the pyarrow resource is hinted JSON lines too (not the "
        "pipeline's file format)",
        path="expertfile_nb/pipeline.py",
        old='    if backend == "python":\n        # Arrow tables always become Parquet files',
        new="    if True:\n        # Arrow tables always become Parquet files",
        # not caught by test_pipeline_destinations.py (its files are still the pipeline's
        # format): the Arrow test's check that the pyarrow backend loads Parquet files is
        tests=[
            "tests/pipeline/test_pipeline_arrow.py::"
            "test_the_tables_hold_what_the_service_holds_without_child_tables"
        ],
    ),
]
