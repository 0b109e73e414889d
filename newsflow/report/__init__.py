"""The analyst's HTML report: pure rendering of `warehouse.report.ReportData` (no I/O here)."""
