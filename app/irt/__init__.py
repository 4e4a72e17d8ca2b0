"""Kete's numerical IRT core: models, estimation, scoring, linking, fit and information.

numpy/scipy only. Response matrices are ``(n_persons, n_items)`` everywhere; a NaN (or a
``False`` in a mask) means the item was not presented to that person.
"""
