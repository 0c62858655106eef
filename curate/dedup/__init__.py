"""Exact and near-duplicate detection (MinHash LSH) over audit runs."""
