"""The graph-program layer: what joins a graph document to the engine that runs it.

It may import `graphstudio.document` and `graphstudio.engine`, never the editor (no Qt).
"""
