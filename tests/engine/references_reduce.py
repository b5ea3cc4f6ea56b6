"""NumPy references for ops/reduce.py (being written)."""
REFS = {}
