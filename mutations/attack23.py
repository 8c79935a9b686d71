"""Review of issue 23 by an attacker who did not write it: the apply pipeline's rules (no
write of a value nobody read, a second apply writes nothing, a ``sending`` record on disk
before its write, resume after a crash) and the pyarrow backend's columns and types."""

from __future__ import annotations

from mutations import Mutation

APPLY = "expertfile_nb/_edits/apply.py"
PIPE = "expertfile_nb/pipeline.py"
E = "tests/edits"
ARROW = "tests/pipeline/test_pipeline_arrow.py"
ROUND = [f"{E}/test_round_trip.py", f"{E}/test_round_trip_fake.py"]
SAFE = [f"{E}/test_plan_safety.py", f"{E}/test_journal_safety.py", f"{E}/test_undo_safety.py"]

MUTATIONS = [
    Mutation(
        name="attack23: a change the service already shows is not 'already applied'",
        path=APPLY,
        old="            if _same(now, change.new):\n"
        '                self._finish(n, "already applied")\n',
        new='            if False:\n                self._finish(n, "already applied")\n',
        tests=[*ROUND, *SAFE],
    ),
    Mutation(
        name="attack23: a value edited meanwhile is written over (a value nobody read)",
        path=APPLY,
        old="            elif _same(now, change.old):\n                send[field] = change.new\n",
        new="            elif True:\n                send[field] = change.new\n",
        tests=[*ROUND, *SAFE],
    ),
    Mutation(
        name="attack23: a part whose write failed is then reported applied",
        path=APPLY,
        old='                    self._finish(n, "failed", f"{type(error).__name__}: {error}")\n'
        "                continue\n",
        new='                    self._finish(n, "failed", f"{type(error).__name__}: {error}")\n',
        tests=[*ROUND, *SAFE],
    ),
    Mutation(
        name="attack23: a resume forgets the creates an earlier run sent (sent twice)",
        path=APPLY,
        old='                self._sent_before.update(record["n"])\n',
        new="                pass\n",
        tests=[
            f"{E}/test_review21_plan.py::"
            "test_a_create_a_crashed_run_sent_is_not_resent_when_the_people_cannot_be_searched"
        ],
    ),
    Mutation(
        name="attack23: an unverifiable write an earlier run sent is sent again blind",
        path=APPLY,
        old="        return n in earlier\n",
        new="        return False\n",
        tests=[*ROUND, *SAFE],
    ),
    Mutation(
        name="attack23: a delete's sending record (its before-image) not synced before it",
        path=APPLY,
        old='{"type": "sending", "n": [n], "image": image}, sync=True)',
        new='{"type": "sending", "n": [n], "image": image}, sync=False)',
        tests=[*ROUND, *SAFE],
    ),
    Mutation(
        name="attack23: a person edited since the plan is deleted anyway",
        path=APPLY,
        old="        if edited:\n",
        new="        if False:\n",
        tests=[*ROUND, *SAFE],
    ),
    Mutation(
        name="attack23: a create's sending record written after the create",
        path=APPLY,
        old='        self.journal.write({"type": "sending", "n": [n]}, sync=True)\n'
        "        with self._turn():\n"
        '            answer = self._call("create")(\n'
        "                session=self.session, deadline=self.deadline, **change.new\n"
        "            )\n"
        '        name = answer.get("username")',
        new="        with self._turn():\n"
        '            answer = self._call("create")(\n'
        "                session=self.session, deadline=self.deadline, **change.new\n"
        "            )\n"
        '        self.journal.write({"type": "sending", "n": [n]}, sync=True)\n'
        '        name = answer.get("username")',
        tests=[*ROUND, *SAFE],
    ),
    Mutation(
        name="attack23: a thread waiting on another's fsync returns without one of its own",
        path=APPLY,
        old="                    self._sync.wait()\n                    continue\n",
        new="                    self._sync.wait()\n                    break\n",
        tests=[f"{E}/test_apply_pipeline.py", f"{E}/test_journal_safety.py"],
    ),
    Mutation(
        name="attack23: an undo writes back what may not be undone (unverifiable writes)",
        path=APPLY,
        old="            skipped = [n for n in group if reasons[n]]\n",
        new="            skipped: list[int] = []\n",
        tests=[*ROUND, *SAFE],
    ),
    Mutation(
        name="attack23: the prefetched reads ignore the proxy the environment names",
        path=APPLY,
        old="        with environment_read(self._environment):\n            data = _get_data(",
        new="        with contextlib.nullcontext():\n            data = _get_data(",
        tests=[
            f"{E}/test_apply_environment.py::test_the_reads_ahead_use_the_environment_as_of_the_start"
        ],
    ),
    Mutation(
        name="attack23: arrow: a list as Python's repr, not JSON text",
        path=PIPE,
        old="        return json.dumps(value, ensure_ascii=False, default=str)\n",
        new="        return str(value)\n",
        tests=[ARROW],
    ),
    Mutation(
        name="attack23: arrow: text where numbers came before is dropped (no __v_text value)",
        path=PIPE,
        old="                others.append(_as_text(value))\n",
        new="                others.append(None)\n",
        tests=[ARROW],
    ),
    Mutation(
        name="attack23: arrow: a later batch's numbers go to the text variant",
        path=PIPE,
        old="                fits.append(pa.array([value]).cast(known)[0].as_py())\n"
        "                others.append(None)\n",
        new="                fits.append(None)\n                others.append(_as_text(value))\n",
        tests=[ARROW],
    ),
    Mutation(
        name="attack23: arrow: loaded types looked up by the record's name, not dlt's",
        path=PIPE,
        old="found.get(schema.naming.normalize_identifier(name))",
        new="found.get(name)",
        tests=[f"{ARROW}::test_a_later_run_keeps_the_type_of_a_column_dlt_renamed"],
    ),
    Mutation(
        name="attack23: arrow: a pull that fails mid-way ends quietly (the rows so far loaded)",
        path=PIPE,
        old="        for batch in dicts():\n            yield arrow.table(batch)\n",
        new="        try:\n"
        "            for batch in dicts():\n"
        "                yield arrow.table(batch)\n"
        "        except Exception:\n"
        "            return\n",
        tests=[f"{ARROW}::test_a_fault_mid_pull_commits_nothing"],
    ),
]
