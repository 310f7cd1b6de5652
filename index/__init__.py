"""Ingestion, chunking, embedding and hybrid search over the talks articles."""
