"""A function's initialisation with the cyclic garbage collector paused.

Every `functions/*/app.py` imports this module first and calls `ready()` as its last statement
(tests/unit/test_coldstart.py checks both). Loading boto3, pydantic, Powertools and the models
allocates hundreds of thousands of objects and none of them is garbage, yet every 2,000 container
allocations start a collection, and the older generations are scanned again and again as the heap grows. Paused,
the init runs 10-20% faster in CPU (benchmarks/cold_start_deployed.py, "GC paused during init");
`ready()` then moves everything loaded to the permanent generation (`gc.freeze()`: never scanned
again, so later collections in the warm container are cheaper too, and a SnapStart snapshot holds
them frozen) and turns the collector back on for the requests.

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
