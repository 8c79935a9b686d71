"""Mutations of the dlt source's load files (issue 23 §3: the load into DuckDB)."""

from mutations import Mutation

FORMAT = "tests/pipeline/test_pipeline_format.py"

MUTATIONS = [
    Mutation(
        name="pipebench: no file format hint: DuckDB gets dlt's INSERT statements again",
        path="expertfile_nb/pipeline.py",
        old='        hints["file_format"] = FILE_FORMAT\n',
        new="        pass\n",
        tests=[f"{FORMAT}::test_every_table_is_loaded_from_json_lines"],
    ),
    Mutation(
        name="pipebench: the hint asks for the destination's preferred format (INSERT for DuckDB)",
        path="expertfile_nb/pipeline.py",
        old='FILE_FORMAT: Final = "jsonl"\n',
        new='FILE_FORMAT: Final = "preferred"\n',
        tests=[f"{FORMAT}::test_every_table_is_loaded_from_json_lines"],
    ),
]
