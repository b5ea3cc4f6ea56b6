"""NumPy references for ops/shape.py (being written)."""
REFS = {}
