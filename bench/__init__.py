"""Benchmarks and the synthetic practice they run against (issue 8)."""
