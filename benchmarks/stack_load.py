"""`python -m benchmarks.stack_load [REQUESTS] [CONCURRENCY]`: the local stack's memory under a bounded load, and its stop.

Starts the stack as `make dev` does, sends REQUESTS requests (default 3000) from CONCURRENCY
threads (default 16) over a mix of routes (login, the member's reads, bad bodies, unknown paths,
public lists, inquiries), samples the stack's resident memory (it is one process: moto and the
gateway are its threads), then sends Ctrl-C and times the exit. Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import itertools
import signal
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from tests.stackutil import Browserish, start_stack

DEMO = ("chushojiro@netclub.example", "Demo#2026pass")


def rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main() -> int:
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    concurrency = int(sys.argv[2]) if len(sys.argv) > 2 else 16
    stack = start_stack({"POWERTOOLS_LOG_LEVEL": "ERROR"})
    pid = stack.process.pid
    try:
        started_rss = rss_mib(pid)
        clients = []
        for _ in range(concurrency):
            client = Browserish(stack.url)
            assert client.login(*DEMO).status == 200
            clients.append(client)
        kinds = [k["id"] for k in clients[0].get("/api/inquiry-kinds").body["items"]]
        counter = itertools.count()
        statuses: dict[int, int] = {}
        lock = threading.Lock()
        samples: list[float] = []

        def one(n: int) -> None:
            client = clients[n % concurrency]
            choice = n % 8
            if choice == 0:
                answer = client.get("/api/me")
            elif choice == 1:
                answer = client.get("/api/profile")
            elif choice == 2:
                answer = client.get("/api/notices")
            elif choice == 3:
                answer = client.get("/api/reservations")
            elif choice == 4:
                answer = client.post("/api/inquiries", {"kind_id": kinds[0] if kinds else "x", "content": f"負荷試験 {n}"})
            elif choice == 5:
                answer = client.put("/api/profile", {"company_name": 5})
            elif choice == 6:
                answer = client.get("/api/no-such-route")
            else:
                answer = client.get("/api/usage-history")
            with lock:
                statuses[answer.status] = statuses.get(answer.status, 0) + 1
                if next(counter) % 250 == 0:
                    samples.append(rss_mib(pid))

        began = time.perf_counter()
        with ThreadPoolExecutor(concurrency) as pool:
            list(pool.map(one, range(total)))
        elapsed = time.perf_counter() - began
        loaded_rss = rss_mib(pid)
        print(f"requests: {total} from {concurrency} threads in {elapsed:.1f} s ({total / elapsed:.0f}/s); statuses {dict(sorted(statuses.items()))}")
        print(
            f"stack RSS: {started_rss:.0f} MiB at start, {loaded_rss:.0f} MiB after the load; samples every 250 requests: {', '.join(f'{s:.0f}' for s in samples)}"
        )
        stop_began = time.perf_counter()
        stack.process.send_signal(signal.SIGINT)
        code = stack.process.wait(timeout=60)
        print(f"Ctrl-C: exited with {code} after {time.perf_counter() - stop_began:.2f} s")
    finally:
        if stack.process.poll() is None:
            stack.process.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
