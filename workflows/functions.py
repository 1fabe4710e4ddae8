"""Functions that BPMN scripts, conditions and service tasks may call, by name.

Only what is listed here (and the builtins of engine/scripting.py) exists inside a diagram. Each
function must be deterministic: same arguments, same result, no clock, no I/O — replays depend on it.
"""

from __future__ import annotations

from typing import Callable


def two_thirds_reached(in_favour: int, total: int) -> bool:
    """True when ``in_favour`` is at least two thirds of ``total`` (Party Charter, Art. 10: resolutions
    on admission need ≥ 2/3 of the full members of the cell / of the committee)."""
    if total <= 0:
        return False
    return in_favour * 3 >= total * 2


FUNCTIONS: dict[str, Callable] = {
    "two_thirds_reached": two_thirds_reached,
}
