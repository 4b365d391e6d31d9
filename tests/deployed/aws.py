"""`python -m tests.deployed.aws`: moto in server mode with template.yaml's resources and the demo data.

Prints one JSON line ({"endpoint", "staff", "member"}) when ready and serves until its standard
input closes. A process of its own, so that pointing the SDK at moto never leaks into the test
process's environment.
"""

from __future__ import annotations

import json
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
    sys.stdin.read()  # until the parent closes it (or exits)
    moto.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
