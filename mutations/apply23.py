"""Mutations of issue 23's apply pipeline: the write slots (at most ``workers`` writes in
flight while twice the threads compare and announce), the group commit of the ``sending``
records, one worker kept sequential, the environment read once a run."""

from __future__ import annotations

from mutations import Mutation

PIPE = "tests/edits/test_apply_pipeline.py"
ENV = "tests/edits/test_apply_environment.py"
APPLY = "expertfile_nb/_edits/apply.py"

MUTATIONS = [
    Mutation(
        name="apply23: twice the writes in flight that workers allow",
        path=APPLY,
        old="        self._slots = threading.BoundedSemaphore(workers)\n",
        new="        self._slots = threading.BoundedSemaphore(2 * workers)\n",
        tests=[f"{PIPE}::test_no_more_writes_travel_at_once_than_workers"],
    ),
    Mutation(
        name="apply23: a write goes without taking a slot",
        path=APPLY,
        old="        with self._slots:\n",
        new="        with contextlib.nullcontext():\n",
        tests=[f"{PIPE}::test_no_more_writes_travel_at_once_than_workers"],
    ),
    Mutation(
        name="apply23: a record appended during an fsync is taken as synced by it",
        path=APPLY,
        old="                self._synced = max(self._synced, upto)\n",
        new="                self._synced = max(self._synced, self._written)\n",
        tests=[f"{PIPE}::test_each_write_leaves_after_an_fsync_begun_after_its_sending_record"],
    ),
    Mutation(
        name="apply23: the group commit never syncs",
        path=APPLY,
        old="                    os.fsync(self.journal._fd)\n",
        new="                    os.fstat(self.journal._fd)\n",
        tests=[
            f"{PIPE}::test_each_write_leaves_after_an_fsync_begun_after_its_sending_record",
            "tests/edits/test_journal_safety.py::test_each_sending_record_is_synced_before_its_write",
        ],
    ),
    Mutation(
        name="apply23: an update's sending record is appended but not synced",
        path=APPLY,
        old='            self._announce({"type": "sending", "n": ns})\n',
        new='            self.journal.write({"type": "sending", "n": ns})\n',
        tests=[f"{PIPE}::test_each_write_leaves_after_an_fsync_begun_after_its_sending_record"],
    ),
    Mutation(
        name="apply23: the reads run a round further ahead of the writes (older when used)",
        path=APPLY,
        old="            self._ahead = 3 * self.workers - threads\n",
        new="            self._ahead = 2 * self.workers\n",
        tests=[f"{PIPE}::test_the_reads_run_at_most_three_rounds_ahead_of_the_writes_answered"],
    ),
    Mutation(
        name="apply23: one worker announces the next change before the last one's outcome",
        path=APPLY,
        old="            threads = 2 * self.workers if self.workers > 1 else 1\n",
        new="            threads = 2 * self.workers\n",
        tests=[
            f"{PIPE}::test_one_worker_announces_a_change_after_the_one_before_has_its_outcome",
            "tests/edits/test_round_trip.py::test_an_interrupted_apply_resumes_where_it_stopped",
        ],
    ),
    Mutation(
        name="apply23: an apply's requests ignore the proxy and CA bundle the environment names",
        path=APPLY,
        old="            self._environment = read_environment(self.session)\n",
        new="            self._environment = Environment({}, None, True, None)\n",
        tests=[
            f"{ENV}::test_an_apply_goes_through_the_proxy_the_environment_names",
            f"{ENV}::test_an_apply_uses_the_ca_bundle_the_environment_names",
        ],
    ),
]
