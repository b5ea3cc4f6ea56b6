"""The pure parts of the live canvas's geometry: card placement and wire routing, on made-up rectangles."""
from __future__ import annotations

import random

from graphstudio.ui.live.placement import GAP, PORT, Card, place
from graphstudio.ui.routing import Bodies, bezier_points, detour


def _overlap(a, b, gap: float = 0.0) -> bool:
    return a[0] - gap < b[2] and b[0] - gap < a[2] and a[1] - gap < b[3] and b[1] - gap < a[3]


def test_placed_cards_keep_clear_of_obstacles_and_of_each_other():
    rng = random.Random(1)
    for _ in range(20):
        boxes = [(x, y, x + rng.uniform(40, 200), y + rng.uniform(30, 150))
                 for x, y in ((rng.uniform(0, 1500), rng.uniform(0, 900)) for _ in range(rng.randint(3, 25)))]
        cards = [Card([(rng.uniform(0, 1500), rng.uniform(0, 900)) for _ in range(3)], 88.0, rng.choice([31.0, 53.0, 97.0]),
                     style=rng.choice(["wire", PORT])) for _ in range(rng.randint(5, 60))]
        spots = place(cards, boxes)
        placed = [r for s in spots if s is not None for r in [s[1]]]
        assert placed  # room somewhere
        for r, card in zip([s[1] for s in spots if s], [c for c, s in zip(cards, spots) if s]):
            assert (round(r[2] - r[0], 6), round(r[3] - r[1], 6)) == (card.width, card.height)
        for i, r in enumerate(placed):
            assert not any(_overlap(r, box, GAP - 1e-6) for box in boxes), (r, boxes)
            assert not any(_overlap(r, other, GAP - 1e-6) for other in placed[i + 1:])


def test_a_card_hangs_just_above_its_wire_when_there_is_room():
    (anchor, rect), = place([Card([(100.0, 100.0)], 88.0, 40.0)], [])
    assert anchor == 0 and rect[3] <= 100.0 and 100.0 - rect[3] < 14 and abs((rect[0] + rect[2]) / 2 - 100.0) < 7


def test_a_wire_through_a_box_goes_around_it_and_a_clear_one_keeps_its_curve():
    bodies = Bodies({"src": (-184, -20, 0, 60), "dst": (600, -20, 784, 60), "mid": (250, -60, 434, 80)})
    assert detour((0.0, 200.0), (600.0, 200.0), bodies, ("src", "dst")) is None  # nothing in the way
    corners = detour((0.0, 10.0), (600.0, 10.0), bodies, ("src", "dst"))
    assert corners is not None and corners[0] == (0.0, 10.0) and corners[-1] == (600.0, 10.0)
    for (x0, y0), (x1, y1) in zip(corners, corners[1:]):  # straight runs, none through the middle box
        assert x0 == x1 or y0 == y1
        run = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
        assert not _overlap(run, bodies.boxes["mid"])
    assert any(_overlap((p[0], p[1], p[0], p[1]), bodies.boxes["mid"]) for p in bezier_points((0.0, 10.0), (600.0, 10.0)))
