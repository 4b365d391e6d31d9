"""A function's initialisation with the cyclic garbage collector paused.

Every `functions/*/app.py` imports this module first and calls `ready()` as its last statement
(tests/unit/test_coldstart.py checks both). Loading boto3, pydantic, Powertools and the models
allocates hundreds of thousands of objects and almost none of them is garbage, yet every 2,000
container allocations start a collection, and the older generations are scanned again and again as
the heap grows. Paused, the init takes 10-20% less CPU (docs/performance.md, "Cold start"); `ready()`
then moves everything loaded to the permanent generation (`gc.freeze()`: never scanned again, so
later collections in the warm container are cheaper too) and turns the collector back on for the
requests. What init left unreachable (600-800 objects, tens of KB) is frozen with the rest and stays:
a full `gc.collect()` first would cost more than it frees. Under SnapStart init runs when a version
is published, not at a cold start: there the pause shortens publishing and the snapshot holds the
frozen heap; a cold start without a snapshot ($LATEST, or SnapStart off) gains the CPU.

Only the import that found the collector running pauses it, and only the first `ready()` resumes
it: in a process that loads many functions (the local stack, the tests) the first one does both and
the others change nothing.
"""

from __future__ import annotations

import gc

_paused = gc.isenabled()
if _paused:
    gc.disable()


def ready() -> None:
    """End of a function's init: freeze what it loaded and run the collector again."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()
