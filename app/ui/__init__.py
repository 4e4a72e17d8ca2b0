"""What every domain's pages share: one Jinja set-up, accessible SVG charts and PDF printing.

``ui`` imports no domain package, so any domain may use it without an import cycle.
"""
