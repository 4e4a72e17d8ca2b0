"""Calibration: item parameters per version, scales, cut scores, and the recalibration workflow."""
