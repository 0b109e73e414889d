"""The Markdown artifact each ingest publishes in Prefect: what the operator sees in the UI."""

from __future__ import annotations

from typing import TYPE_CHECKING

from prefect.artifacts import create_markdown_artifact

if TYPE_CHECKING:
    from newsflow.flows.ingest import IngestReport

ARTIFACT_KEY = "ingest-report"
MAX_FAILED_LISTED = 20


def run_markdown(report: IngestReport) -> str:
    """The run's summary: totals, per-source counts, stage durations and errors."""
    run = report.run
    lines = [
        f"# Ingest {run.run_id}",
        "",
        f"**{run.articles_new} new articles** ({run.articles_duplicate} copies of earlier ones), "
        f"{run.pages_rechecked} rechecked ({run.articles_revised} revised), "
        f"{run.pages_failed} failed pages; {run.sources_due} of {run.sources} sources due: "
        f"{run.feeds_ok} ok, {run.feeds_not_modified} not modified, {run.feeds_failed} failed.",
        "",
    ]
    lines += _load_lines(report)
    lines += [
        "## Sources",
        "",
        "| source | feed | entries | new | duplicates | failed pages | error |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for line in report.sources:
        lines.append(
            f"| {_cell(line.name or line.url)} | {line.feed} | {line.entries} | "
            f"{line.new_articles} | {line.duplicates} | {line.failed_pages} | "
            f"{_cell(line.error or '')} |"
        )
    lines += ["", "## Stages", "", "| stage | seconds |", "|---|---:|"]
    lines += [f"| {stage} | {seconds:.2f} |" for stage, seconds in report.stage_seconds]
    if report.failed_pages:
        lines += ["", f"## Failed pages ({len(report.failed_pages)})", ""]
        lines += [
            f"- {_cell(url)}: {_cell(error)}"
            for url, error in report.failed_pages[:MAX_FAILED_LISTED]
        ]
        if len(report.failed_pages) > MAX_FAILED_LISTED:
            more = len(report.failed_pages) - MAX_FAILED_LISTED
            lines.append(f"- … and {more} more in `fetches`")
    return "\n".join(lines) + "\n"


def _load_lines(report: IngestReport) -> list[str]:
    """What happened to the load and the snapshot, when it is worth saying."""
    lines = []
    if report.earlier_runs_loaded:
        lines.append(f"- Loaded {report.earlier_runs_loaded} earlier run(s) from the spool.")
    if report.load_error:
        lines.append(
            f"- **Load deferred**: {report.staged_runs} run(s) staged, loaded by the next run: "
            f"{_cell(report.load_error)}"
        )
    if report.snapshot:
        lines.append(f"- Analyst snapshot published: `{report.snapshot}`")
    if report.snapshot_error:
        lines.append(f"- **Analyst snapshot not published**: {_cell(report.snapshot_error)}")
    return [*lines, ""] if lines else []


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell or list item."""
    return " ".join(text.replace("|", "\\|").split())


def publish_run_artifact(report: IngestReport) -> None:
    """Attach the summary to the current flow run (latest under the key `ingest-report`)."""
    create_markdown_artifact(
        markdown=run_markdown(report),
        key=ARTIFACT_KEY,
        description=f"newsflow ingest: {report.run.articles_new} new articles",
    )
