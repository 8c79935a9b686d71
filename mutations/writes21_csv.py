"""Mutations of ``expertfile-nb apply``'s CSV reading and reporting (issue 21, point 4)."""

from mutations import Mutation

CSV = "tests/cli/test_apply_csv.py"
CLI_PATH = "expertfile_nb/cli/apply.py"
HEADER = f"{CSV}::test_a_bad_header_is_exit_2_before_anything_is_read"
MESSAGES = f"{CSV}::test_every_message_names_the_line_and_the_column"
CONFLICT = f"{CSV}::test_a_conflict_is_listed_with_what_the_service_holds_and_is_exit_3"
STAFF = f"{CSV}::test_kind_staff_reads_plans_and_writes_staff"

MUTATIONS = [
    Mutation(
        name="writes21_csv: --kind dropped from CLI planning (staff planned as experts)",
        path=CLI_PATH,
        old="before, after, kind=args.kind, unverifiable=tuple(args.unverifiable or ())",
        new="before, after, unverifiable=tuple(args.unverifiable or ())",
        tests=[STAFF],
    ),
    Mutation(
        name="writes21_csv: --kind dropped from the CLI's read of the people",
        path=CLI_PATH,
        old="return ef.get_profiles([row.username for row in rows], kind=kind)",
        new="return ef.get_profiles([row.username for row in rows])",
        tests=[STAFF],
    ),
    Mutation(
        name="writes21_csv: conflicts not listed by the CLI",
        path=CLI_PATH,
        old='        if status["status"] not in ("applied", "already applied"):\n',
        new='        if status["status"] == "failed":\n',
        tests=[CONFLICT],
    ),
    Mutation(
        name="writes21_csv: conflicts exit 0",
        path=CLI_PATH,
        old="    if result.ok:\n        return 0\n",
        new='    if not result.counts.get("failed"):\n        return 0\n',
        tests=[CONFLICT],
    ),
    Mutation(
        name="writes21_csv: a conflict listed without what the service holds now",
        path=CLI_PATH,
        old='            if "current" in status:\n',
        new="            if False:\n",
        tests=[CONFLICT],
    ),
    Mutation(
        name="writes21_csv: a conflict listed without its CSV line",
        path=CLI_PATH,
        old='            if lines and status["username"] in lines:\n',
        new="            if False:\n",
        tests=[CONFLICT],
    ),
    Mutation(
        name="writes21_csv: no username-column check",
        path=CLI_PATH,
        old='    if "username" not in header:\n',
        new="    if False:\n",
        tests=[HEADER],
    ),
    Mutation(
        name="writes21_csv: a duplicated column accepted (the last one wins)",
        path=CLI_PATH,
        old="        if header.index(name) + 1 != number:\n",
        new="        if False:\n",
        tests=[HEADER],
    ),
    Mutation(
        name="writes21_csv: an unknown column accepted until the read",
        path=CLI_PATH,
        old="        if name not in dtypes:\n",
        new="        if False:\n",
        tests=[HEADER],
    ),
    Mutation(
        name="writes21_csv: an unnamed column not named by its number",
        path=CLI_PATH,
        old="        if not name.strip():\n",
        new="        if False:\n",
        tests=[HEADER],
    ),
    Mutation(
        name="writes21_csv: a row longer than the header cut to fit",
        path=CLI_PATH,
        old="    if len(record) > len(columns):\n",
        new="    if False:\n",
        tests=[MESSAGES],
    ),
    Mutation(
        name="writes21_csv: a whitespace-only cell written as spaces (no strip)",
        path=CLI_PATH,
        old="cells = {name: text.strip() for name, text in zip(",
        new="cells = {name: text for name, text in zip(",
        tests=[f"{CSV}::test_blank_cells_leave_their_fields_alone"],
    ),
    Mutation(
        name="writes21_csv: an unclosed quote swallows the rows after it",
        path=CLI_PATH,
        old="csv.reader(file, strict=True)",
        new="csv.reader(file)",
        tests=[MESSAGES],
    ),
    Mutation(
        name="writes21_csv: a row spanning lines named by its last line",
        path=CLI_PATH,
        old="                line, start = start, reader.line_num + 1\n",
        new="                line = reader.line_num\n                start = line + 1\n",
        tests=[MESSAGES],
    ),
    Mutation(
        name="writes21_csv: a username the service does not know: a 404 without the row",
        path=CLI_PATH,
        old="        for row in rows:\n            if asked.endswith(",
        new="        for row in []:\n            if asked.endswith(",
        tests=[MESSAGES],
    ),
    Mutation(
        name="writes21_csv: a read-only field's edit left to plan_changes (no line, no column)",
        path=CLI_PATH,
        old="if column not in EDITABLE and compare_value(value) != compare_value(held):",
        new="if False:",
        tests=[MESSAGES],
    ),
    Mutation(
        name="writes21_csv: a flag cell not checked before the apply (fails at the write)",
        path=CLI_PATH,
        old="        if field in ACCOUNT_UPDATE:\n",
        new="        if False:\n",
        tests=[MESSAGES],
    ),
    Mutation(
        name="writes21_csv: the dry run prints PUT /v2/organization/{org}/… unfilled",
        path=CLI_PATH,
        old="plan.apply(dry_run=True, session=shared_session())",
        new="plan.apply(dry_run=True)",
        tests=[f"{CSV}::test_the_dry_run_shows_the_paths_of_the_logged_in_organization"],
    ),
    Mutation(
        name="writes21_csv: --workers out of range found only after the read",
        path=CLI_PATH,
        old="    if not 1 <= value <= 32:\n",
        new="    if False:\n",
        tests=[f"{CSV}::test_bad_workers_or_pace_are_exit_2_before_anything_is_read"],
    ),
    Mutation(
        name="writes21_csv: --pace inf or nan accepted",
        path=CLI_PATH,
        old="    if not 0 <= value <= 3600:  # also refuses nan and inf\n",
        new="    if value < 0:\n",
        tests=[f"{CSV}::test_bad_workers_or_pace_are_exit_2_before_anything_is_read"],
    ),
    Mutation(
        name="writes21_csv: --journal silently ignored when finishing or undoing a journal",
        path=CLI_PATH,
        old="    if args.journal:\n",
        new="    if False:\n",
        tests=[f"{CSV}::test_journal_is_refused_with_a_journal_to_finish_or_undo"],
    ),
    Mutation(
        name="writes21_csv: an existing --journal found only after the people are read",
        path=CLI_PATH,
        old="    journal = Path(args.journal) if args.journal and not args.dry_run else None\n",
        new="    journal = None\n",
        tests=["tests/cli/test_apply_cli.py::test_an_existing_journal_is_exit_2_and_kept"],
    ),
    Mutation(
        name="writes21_csv: --unverifiable named on the command line is not passed to the plan",
        path=CLI_PATH,
        old="kind=args.kind, unverifiable=tuple(args.unverifiable or ())\n",
        new="kind=args.kind\n",
        tests=[f"{CSV}::test_a_field_no_read_shows_needs_unverifiable_by_name"],
    ),
]
