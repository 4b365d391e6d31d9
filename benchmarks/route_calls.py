"""DynamoDB calls of every route of template.yaml, counted on the wire under moto, the authorizer's included.

Run: .venv/bin/python -m benchmarks.route_calls [-n 2]
It runs tests/functional/test_dynamodb_calls_per_route.py (each route made as the member or staff would,
in a fresh moto, the preparation not counted) and prints one line per route: HTTP status, calls, calls by
operation, and the count the test pins. A route above (or below) its pin fails that test: the exit status
is pytest's.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile

TEST = "tests/functional/test_dynamodb_calls_per_route.py"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", default="0", help="pytest-xdist workers (0: in this process's pytest, one at a time)")
    args = parser.parse_args()
    with tempfile.NamedTemporaryFile("r", suffix=".tsv", encoding="utf-8") as table:
        env = {**os.environ, "NETCLUB_CALLS_FILE": table.name}
        done = subprocess.run([sys.executable, "-m", "pytest", TEST, "-q", "-p", "no:logging", "-n", args.n], env=env, check=False)
        rows = sorted(line.rstrip("\n").split("\t") for line in table if line.strip())
    w = max((len(r[0]) for r in rows), default=20)
    print(f"\n{'route':<{w}} {'HTTP':>4} {'calls':>5} {'pinned':>6}  by operation (authorizer included)")
    for route, status, total, ops, pinned in rows:
        print(f"{route:<{w}} {status:>4} {total:>5} {pinned:>6}  {ops}")
    print(f"{len(rows)} routes and variants; pytest exit status {done.returncode}")
    return done.returncode


if __name__ == "__main__":
    raise SystemExit(main())
