"""Mutations of the dlt source, `expertfile-nb load` and `pull --out` (issue 23)."""

from mutations import Mutation

PIPE = "tests/pipeline/test_pipeline.py"
PULL = "tests/cli/test_pull_out.py"
CLI = "tests/pipeline/test_pipeline_cli.py"

MUTATIONS = [
    Mutation(
        name="pipeline: the merge key (primary key) is dropped: a second run duplicates rows",
        path="expertfile_nb/pipeline.py",
        old='        hints["primary_key"] = key\n',
        new="        pass\n",
        tests=[f"{PIPE}::test_a_second_run_merges_without_a_duplicate"],
    ),
    Mutation(
        name="pipeline: write disposition replace instead of merge (tombstones become rows)",
        path="expertfile_nb/pipeline.py",
        old='    return "merge"\n',
        new='    return "replace"\n',
        tests=[f"{PIPE}::test_a_removed_person_is_deleted_with_their_sections"],
    ),
    Mutation(
        name="pipeline: no tombstones: people who left stay in the tables",
        path="expertfile_nb/pipeline.py",
        old="    if gone:\n        yield [{key: value, DELETED: True}",
        new="    if False:\n        yield [{key: value, DELETED: True}",
        tests=[f"{PIPE}::test_a_removed_person_is_deleted_with_their_sections"],
    ),
    Mutation(
        name="pipeline: a pull that fails is cut short and the rows so far committed (partial)",
        path="expertfile_nb/pipeline.py",
        old="        else:\n            yield from _tombstones(key, batches)\n",
        new="        else:\n            try:\n"
        "                yield from _tombstones(key, batches)\n"
        "            except Exception:\n                return\n",
        tests=[f"{PIPE}::test_a_fault_mid_pull_commits_nothing"],
    ),
    Mutation(
        name="pipeline: history=True ignored (rows updated in place, no versions)",
        path="expertfile_nb/pipeline.py",
        old='        return {"disposition": "merge", "strategy": "scd2"}\n',
        new='        return "merge"\n',
        tests=[f"{PIPE}::test_history_keeps_every_version"],
    ),
    Mutation(
        name="pipeline: spotlights never incremental (every run reads them all)",
        path="expertfile_nb/pipeline.py",
        old="    if incremental and isinstance(latest, int):\n",
        new="    if False:\n",
        tests=[f"{PIPE}::test_spotlights_are_read_by_year_after_the_first_run"],
    ),
    Mutation(
        name="tables: the staff who are not experts get no profile row",
        path="expertfile_nb/_reads/tables.py",
        old="                staff.append(name)\n",
        new="                pass\n",
        tests=[f"{PIPE}::test_a_load_holds_what_the_service_holds"],
    ),
    Mutation(
        name="tables: a list pull that fails ends quietly (a partial table is kept)",
        path="expertfile_nb/_reads/tables.py",
        old='        yield from _batches(reader.iter_experts(access="all", **options))\n',
        new="        try:\n"
        '            yield from _batches(reader.iter_experts(access="all", **options))\n'
        "        except Exception:\n            return\n",
        tests=[
            f"{PULL}::test_a_pull_that_fails_leaves_the_file_as_it_was",
            f"{PIPE}::test_a_list_that_changes_mid_pull_commits_nothing",
        ],
    ),
    Mutation(
        name="pull --out: Parquet list columns stringified (JSON text)",
        path="expertfile_nb/cli/pull_out.py",
        old="    new = pa.schema([f for f in new if f.name not in text])\n",
        new="    text.update(f.name for f in new if pa.types.is_list(f.type))\n"
        "    new = pa.schema([f for f in new if f.name not in text])\n",
        tests=[f"{PULL}::test_parquet_has_every_row_and_lists_as_lists"],
    ),
    Mutation(
        name="pull --out: a failed pull still replaces the file (what was spooled)",
        path="expertfile_nb/cli/pull_out.py",
        old="    for batch in records(reader, table, workers=workers, progress=progress):\n"
        "        yield build_frame(batch, endpoint.columns)\n",
        new="    try:\n"
        "        for batch in records(reader, table, workers=workers, progress=progress):\n"
        "            yield build_frame(batch, endpoint.columns)\n"
        "    except Exception:\n        return\n",
        tests=[f"{PULL}::test_a_pull_that_fails_leaves_the_file_as_it_was"],
    ),
    Mutation(
        name="load: a failed load exits 0",
        path="expertfile_nb/cli/pull.py",
        old="            raise cause from None  # the command line's one line, exit 1\n",
        new="            return 0\n",
        tests=[f"{CLI}::test_a_failed_load_is_one_line_and_exit_1"],
    ),
    Mutation(
        name="pipeline: a named profile is ignored (the usual chain logs in instead)",
        path="expertfile_nb/pipeline.py",
        old="    return Client(profile=profile)\n",
        new="    return ModuleReader()  # type: ignore[return-value]\n",
        tests=[f"{PIPE}::test_a_named_profile_logs_in_with_its_own_credentials"],
    ),
]
