"""NumPy references for ops/nn.py (being written)."""
REFS = {}
