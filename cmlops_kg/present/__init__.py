"""Presenting results: reports (text, Markdown, HTML), tables, chart data, the framework browser."""
