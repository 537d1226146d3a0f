"""`curate serve`: run the ingest flow on each source's cron schedule with Prefect's `serve`.

Sources sharing a schedule form one deployment ("ingest-0_6_x_x_x" for "0 6 * * *"); each
scheduled run ingests just those sources.  Sources without a schedule are not served.
Prefect runs locally (a temporary server, state under ./.prefect) unless PREFECT_API_URL points
at a Prefect server; docs/deploy.md shows the work-pool set-up for a shared server.
"""

from __future__ import annotations

import re
from collections import defaultdict

import flows  # noqa: F401 - Prefect environment defaults, before Prefect is imported
from prefect import serve

from flows.ingest import ingest_flow
from trial_curate.models import Source
from trial_curate.settings import Settings


def deployment_name(cron: str) -> str:
    return "ingest-" + re.sub(r"[^0-9A-Za-z,-]+", "_", cron.replace("*", "x")).strip("_")


def deployments_for(sources: list[Source], settings: Settings, *, min_interval: float | None = None):
    """One RunnerDeployment of the ingest flow per distinct schedule (unscheduled sources skipped)."""
    groups: dict[str, list[Source]] = defaultdict(list)
    for source in sources:
        if source.schedule:
            groups[source.schedule].append(source)
    return [
        ingest_flow.to_deployment(
            name=deployment_name(cron),
            cron=cron,
            description=f"Ingest {len(group)} source(s) on '{cron}': " + ", ".join(s.name or s.location for s in group),
            tags=sorted({t for s in group for t in s.tags}),
            parameters={
                "sources": [s.model_dump(mode="json") for s in group],
                "raw_dir": str(settings.raw_dir.resolve()),
                "database_url": settings.database_url,
                "min_interval": min_interval,
                "quiet": True,
            },
        )
        for cron, group in groups.items()
    ]


def serve_sources(sources: list[Source], settings: Settings, *, min_interval: float | None = None) -> None:
    """Serve the deployments until interrupted (Ctrl-C)."""
    deployments = deployments_for(sources, settings, min_interval=min_interval)
    if not deployments:
        raise ValueError("no source has a schedule; add schedule = \"0 6 * * *\" (cron) to the sources to serve")
    serve(*deployments)
