"""Mutations of the dlt source's pyarrow backend (issue 23 §3: the load into DuckDB)."""

from mutations import Mutation

ARROW = "tests/pipeline/test_pipeline_arrow.py"
PATH = "expertfile_nb/pipeline.py"

MUTATIONS = [
    Mutation(
        name="dlt23: backend='pyarrow' ignored (dicts, dlt's normalizer, child tables)",
        path=PATH,
        old='        if backend == "python":\n            yield from dicts()\n',
        new="        if True:\n            yield from dicts()\n",
        tests=[f"{ARROW}::test_the_tables_hold_what_the_service_holds_without_child_tables"],
    ),
    Mutation(
        name="dlt23: the JSON-lines hint also on Arrow tables (converted, not loaded as Parquet)",
        path=PATH,
        old='    if backend == "python":\n        # Arrow tables',
        new="    if True:\n        # Arrow tables",
        tests=[f"{ARROW}::test_the_tables_hold_what_the_service_holds_without_child_tables"],
    ),
    Mutation(
        name="dlt23: objects flattened with dots, not as dlt names them (avatar.small)",
        path=PATH,
        old='            out.update(_flat(value, f"{prefix}{name}__"))\n',
        new='            out.update(_flat(value, f"{prefix}{name}."))\n',
        tests=[f"{ARROW}::test_the_tables_hold_what_the_service_holds_without_child_tables"],
    ),
    Mutation(
        name="dlt23: lists as Arrow lists of structs (their type differs from batch to batch)",
        path=PATH,
        old="            if name in self.nested or (\n",
        new="            if False and (\n",
        tests=[f"{ARROW}::test_a_column_keeps_one_type_from_batch_to_batch"],
    ),
    Mutation(
        name="dlt23: a list where numbers came before makes the column text (its type changes)",
        path=PATH,
        old="                not scalar and any(isinstance(v, (list, dict)) for v in values)\n",
        new="                any(isinstance(v, (list, dict)) for v in values)\n",
        tests=[f"{ARROW}::test_a_column_keeps_one_type_from_batch_to_batch"],
    ),
    Mutation(
        name="dlt23: a later batch keeps its own type (dlt cannot concatenate the tables)",
        path=PATH,
        old="            return [(name, array.cast(known))]\n",
        new="            return [(name, array)]\n",
        tests=[f"{ARROW}::test_a_column_keeps_one_type_from_batch_to_batch"],
    ),
    Mutation(
        name="dlt23: the key nullable in the Arrow schema (unlike its dlt hint)",
        path=PATH,
        old="                nullable = column != self.key or array.null_count > 0\n",
        new="                nullable = True\n",
        tests=[f"{ARROW}::test_a_column_keeps_one_type_from_batch_to_batch"],
    ),
    Mutation(
        name="dlt23: history with pyarrow: no row hash (dlt's scd2 cannot tell versions)",
        path=PATH,
        old="_ArrowBatches(key, row_hash=history, loaded=",
        new="_ArrowBatches(key, row_hash=False, loaded=",
        tests=[f"{ARROW}::test_history_keeps_every_version"],
    ),
    Mutation(
        name="dlt23: a later run forgets the types it loaded (text into a BIGINT: the load fails)",
        path=PATH,
        old="row_hash=history, loaded=_loaded_types(name))",
        new="row_hash=history, loaded=None)",
        tests=[f"{ARROW}::test_a_later_run_keeps_the_column_types_it_loaded"],
    ),
    Mutation(
        name="dlt23: the row hash ignores the row's values (an edit is no new version)",
        path=PATH,
        old="[_digest(row) for row in rows]",
        new="[_digest({}) for row in rows]",
        tests=[f"{ARROW}::test_history_keeps_every_version"],
    ),
    Mutation(
        name="dlt23: an unknown backend accepted",
        path=PATH,
        old="    if backend not in BACKENDS:\n",
        new="    if False:\n",
        tests=[f"{ARROW}::test_an_unknown_backend_is_refused"],
    ),
    Mutation(
        name="dlt23: expertfile-nb load --backend ignored",
        path="expertfile_nb/cli/pull.py",
        old="        backend=args.backend,\n",
        new="",
        tests=[f"{ARROW}::test_the_load_command_takes_the_backend"],
    ),
]
