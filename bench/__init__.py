"""Benchmarks: scale-data generators and measuring scripts that print figures (not tests)."""
