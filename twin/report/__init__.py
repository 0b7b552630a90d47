"""Renderers: each a function of a result (terminal tables, JSON, Markdown, JUnit, HTML, plots).

None changes a result.
"""
