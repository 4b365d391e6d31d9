"""Reset and registration requests: a registered address against an unknown one, wall time.

Run: .venv/bin/python -m benchmarks.answer_timing
Both paths wait for the same floor (services.recovery / registration ANSWER_SECONDS), so the
ratio should stay near 1.00 although the registered path does more work (reads, token, SES).
"""

from __future__ import annotations

import statistics
import time

from benchmarks.harness import DEMO, bench

RUNS = 7


def main() -> None:
    with bench() as b:
        web = b.browser()
        for path in ("/api/password-reset", "/api/registrations"):
            times: dict[str, list[float]] = {"registered": [], "unknown": []}
            for n in range(RUNS):
                for label, address in (("registered", DEMO[0]), ("unknown", f"nobody{n}@example.jp")):
                    started = time.perf_counter()
                    status, _ = web.call("POST", path, {"email": address, "email_confirm": address})
                    times[label].append((time.perf_counter() - started) * 1000)
                    assert status == 202, status
            known, unknown = statistics.median(times["registered"]), statistics.median(times["unknown"])
            print(f"{path:<22} registered {known:7.1f} ms  unknown {unknown:7.1f} ms  ratio {known / unknown:.2f}  (median of {RUNS})")


if __name__ == "__main__":
    main()
