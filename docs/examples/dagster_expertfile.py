"""The organization's data into DuckDB every night, with Dagster (docs/scheduling.md).

    pip install 'expertfile-nb[dlt,dagster]'
    dagster dev -f docs/examples/dagster_expertfile.py

The credentials come as for every other run (docs/pipelines.md): dlt's
``[sources.expertfile]`` secrets, or ``EXPERTFILE_CLIENT_ID``/``SECRET``, or a token
prepared elsewhere (``EXPERTFILE_ACCESS_TOKEN`` with ``EXPERTFILE_ORG_ID``) in the
environment of the Dagster daemon. Defining the assets makes no request: the source
logs in when it runs.
"""

# no `from __future__ import annotations`: Dagster reads the `context` annotation as a type
from collections.abc import Iterator
from typing import Any

import dlt
from dagster import AssetExecutionContext, Definitions, ScheduleDefinition, define_asset_job
from dagster_dlt import DagsterDltResource, dlt_assets

from expertfile_nb.pipeline import expertfile_source

#: every night at 03:00 (the Dagster daemon's time zone)
NIGHTLY = "0 3 * * *"


@dlt_assets(
    dlt_source=expertfile_source(progress=False),
    dlt_pipeline=dlt.pipeline(
        pipeline_name="expertfile_nb", destination="duckdb", dataset_name="expertfile"
    ),
    name="expertfile",
    group_name="expertfile",
)
def expertfile_assets(context: AssetExecutionContext, dlt: DagsterDltResource) -> Iterator[Any]:
    """One asset per table (experts, staff, spotlights, profiles), loaded in one run:
    a run that fails to verify commits nothing, and the assets are not materialized."""
    yield from dlt.run(context=context)


nightly = ScheduleDefinition(
    job=define_asset_job("expertfile_nightly", selection=[expertfile_assets]),
    cron_schedule=NIGHTLY,
)

defs = Definitions(
    assets=[expertfile_assets],
    resources={"dlt": DagsterDltResource()},
    schedules=[nightly],
)
