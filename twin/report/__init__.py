"""Renderers: each a function of a result (terminal tables, JSON, Markdown, JUnit, HTML, plots); none changes a result."""
