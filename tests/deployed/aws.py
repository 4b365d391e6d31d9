"""`python -m tests.deployed.aws`: moto in server mode with template.yaml's resources and the demo data.

Prints one JSON line ({"endpoint", "staff", "member"}) when ready and serves until its standard
input closes. Lines written to it are commands of tests/deployed/use_cases.py (a fresh AWS, the recorded
event of a function's use case), each answered by one JSON line. A process of its own, so that pointing the SDK at moto never leaks into the test
process's environment.
"""

from __future__ import annotations

import itertools
import json
import os
import sys

from local import stack
from local.moto_server import LocalMotoServer
from tests.deployed.built import FRONTEND


def main() -> int:
    moto = LocalMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    host, port = moto.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    template, env, resolver = stack.environment(FRONTEND, endpoint)
    stack.apply(env)
    stack.provision(template, resolver, FRONTEND)
    from local import seed

    accounts = seed.run()
    print(json.dumps({"endpoint": endpoint, **accounts}), flush=True)
    first = sys.stdin.readline()  # nothing more until the parent closes it (or exits), or commands (use_cases.serve)
    if first:
        from tests.deployed.use_cases import Recorder, serve

        answers = os.fdopen(os.dup(1), "w", encoding="utf-8")  # the answers keep the pipe; the functions' logs go nowhere
        quiet = os.open(os.devnull, os.O_WRONLY)
        os.dup2(quiet, 1)
        sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115 (fd 1, now /dev/null, for the process's life)
        recorder = Recorder(endpoint)
        recorder.fresh(accounts)
        serve(recorder, itertools.chain([first], sys.stdin), answers)
    moto.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
