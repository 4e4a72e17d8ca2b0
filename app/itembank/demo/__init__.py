"""The demo item bank: curriculum frameworks, a reporting scale and original content.

``demo_bank(seed)`` returns everything as plain, JSON-ready data for the importer.
"""

from app.itembank.demo.build import demo_bank

__all__ = ["demo_bank"]
