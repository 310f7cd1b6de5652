"""Benchmarks of retrieval quality and speed (`make bench`)."""
