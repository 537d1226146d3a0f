"""The publish flow: reviewed records -> curated/ (trial_curate.publish does the work).

`curate publish` calls the plain function directly; this flow exists so a Prefect server can
run publishing on a schedule or after an ingest (see docs/deploy.md).
"""

from __future__ import annotations

import flows  # noqa: F401 - Prefect environment defaults, before Prefect is imported
from prefect import flow
from prefect.artifacts import create_markdown_artifact

from trial_curate.settings import Settings


@flow(name="publish", log_prints=True)
async def publish_flow(database_url: str | None = None, curated_dir: str | None = None):
    """Publish every accepted or edited record; returns trial_curate.publish.PublishSummary."""
    from trial_curate.publish import publish
    from trial_curate.queue import ReviewQueue

    settings = Settings.from_env(database_url=database_url, curated_dir=curated_dir)
    with ReviewQueue(settings.database_url) as queue:
        summary = publish(queue, settings.curated_dir)
    print(summary.describe())
    await create_markdown_artifact(markdown=f"```\n{summary.describe()}\n```", key="publish-summary",
                                   description="curate publish")
    return summary
