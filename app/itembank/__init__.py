"""The item bank: curricula, passages, items with revisions, and their import/export."""
