"""Delivery: sittings, response capture, marking and scoring (scored responses live here)."""
