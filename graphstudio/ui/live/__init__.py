"""Live on the canvas: run the graph in the editor and watch values and gradients travel.

``attach_live(window)`` (``session``) adds everything to an editor window; the parts are usable alone:

* ``worker``    — the engine in a QThread; Snapshots (host copies) back to the GUI thread
* ``toolbar``   — device, Forward / Backward / Step / Train / Stop / Reset, speed, lr
* ``panels``    — the painted card at each wire's midpoint (scalar, bars, heatmap, slice)
* ``overlay``   — keeps panels, dashes and badges in step with the editor's scene
* ``placement`` — where the cards go: free space near what they describe, clear of boxes and each other
* ``target``    — what Backward acts on when no node of the graph says so
* ``badges``    — grad_fn / requires_grad / is_leaf, fan-in sums, the failed node
* ``animation`` — pulses along the wires, forward then backward, at 60 fps
* ``viewer``    — a tensor's table, heatmap, histogram and statistics, value beside gradient
* ``lossplot``  — one loss curve per optimizer, live
* ``apply``     — the undoable "Apply trained values" command
* ``chain``     — the chain-rule dock: the selected wire's VJP with the run's shapes and numbers
* ``screenshot``— the window after a phase, to a PNG, headless
"""
from __future__ import annotations

from .session import LiveSession, attach_live

__all__ = ["LiveSession", "attach_live"]
