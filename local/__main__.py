"""`python -m local`: the portal on this machine (moto as AWS), with demo data.

Prints the URL and the demo logins; Ctrl-C (or SIGTERM) stops every part it started.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time
from pathlib import Path

import boto3
from werkzeug.serving import make_server

from local import cfn, iam, stack
from local.cfn import ROOT
from local.moto_server import LocalMotoServer


def main() -> int:
    parser = argparse.ArgumentParser(description="Net Club My Portal: local stack")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "3000")))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--no-seed", action="store_true")
    args = parser.parse_args()

    moto = LocalMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    moto_host, moto_port = moto.get_host_and_port()
    endpoint = f"http://{moto_host}:{moto_port}"
    url = f"http://{args.host}:{args.port}"

    template, env, resolver = stack.environment(url, endpoint)
    stack.apply(env)
    stack.provision(template, resolver, url)

    from netclub.config import local_accounts, local_staff_totp_secret

    from local import event_sources, openapi, schedules, seed
    from local.gateway import Gateway
    from local.gateway import invoke as invoke_function

    if not args.no_seed:
        seed.run()
    functions, routes, api_props = stack.functions_and_routes(template, resolver, url, endpoint)
    # IAM as AWS applies it: a call the function's policy in template.yaml does not allow is denied here too
    recorder = iam.install(iam.Recorder(iam.policies(template, resolver), stack.REGION, stack.ACCOUNT, ses_identities=iam.ses_identities(template, resolver)))
    iam_report = os.environ.get("NETCLUB_IAM_REPORT")
    gateway = Gateway(
        routes,
        functions,
        api_props,
        stack.REGION,
        "123456789012",
        static_dir=ROOT / "frontend" / "dist",
        openapi=lambda: openapi.merged(functions, routes),
        s3_endpoint=endpoint,
        origin_secret=stack.ORIGIN_VERIFY_SECRET,
        edge_headers=cfn.edge_headers(template, resolver),  # the CSP and security headers CloudFront adds
        schedules=schedules.schedules(template),
    )
    server = make_server(args.host, args.port, gateway, threaded=True)

    stopping = threading.Event()

    def stop(*_: object) -> None:
        if stopping.is_set():  # a second Ctrl-C: stop now
            os._exit(130)
        stopping.set()
        threading.Thread(target=server.shutdown, daemon=True).start()

        def deadline() -> None:  # moto and the gateway are threads of this process: exiting ends them all
            time.sleep(10)
            print("stop took too long; exiting.", flush=True)
            os._exit(1)

        threading.Thread(target=deadline, daemon=True).start()

    # EventBridge's schedules of template.yaml (rate(...)): each function on its own timer
    schedules.start_timers(schedules.schedules(template), functions, stack.REGION, "123456789012", stopping)
    # Lambda's event source mappings (DynamoDB Streams): each read by a poller, as Lambda's pollers do
    streams = boto3.client("dynamodbstreams", region_name=stack.REGION, endpoint_url=endpoint)
    event_sources.start_polling(
        event_sources.readers(
            template, resolver.ref, streams, stack.REGION, lambda name, event: invoke_function(functions[name], event, stack.REGION, stack.ACCOUNT)
        ),
        stopping,
    )
    # ... and queues (SQS): polled from moto, delivered in the SQS event's batch shape, failures left on the queue
    sqs = boto3.client("sqs", region_name=stack.REGION, endpoint_url=endpoint)
    gateway.queue_pollers = event_sources.queue_pollers(
        template, resolver, sqs, stack.REGION, lambda name, event: invoke_function(functions[name], event, stack.REGION, stack.ACCOUNT)
    )
    event_sources.start_queue_polling(gateway.queue_pollers, stopping)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)

    logins = local_accounts()
    print("", flush=True)
    print("  企業Myポータル (Net Club My Portal) — local stack", flush=True)
    print(f"  Portal:      {url}/", flush=True)
    print(f"  Staff:       {url}/admin", flush=True)
    print(f"  Mailbox:     {url}/_dev/mail.html", flush=True)
    print(f"  OpenAPI:     {url}/api/openapi.json", flush=True)
    print(f"  Schedules:   POST {url}/_dev/scheduled/{{name}} (also on their own timers)", flush=True)
    print(f"  Demo member: {logins['member'][0]} / {logins['member'][1]}", flush=True)
    print(f"  Staff:       {logins['staff'][0]} / {logins['staff'][1]} (管理者; 2段階認証の秘密鍵 {local_staff_totp_secret()}:", flush=True)
    print("               add it to an authenticator app, or GET /_dev/logins and compute the code)", flush=True)
    print(f"  AWS (moto):  {endpoint}", flush=True)
    print(f"READY {url}", flush=True)
    print("  Ctrl-C to stop.", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
        moto.stop()
        if iam_report:
            iam.write(Path(iam_report), recorder)
        for denial in recorder.denials:
            print(f"IAM denied {denial['function']}: {denial['action']} on {denial['resource']}", flush=True)
        print("stopped.", flush=True)
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # Everything is stopped and reported; skip tearing down the heap object by object (after a long
    # run that took minutes) and any request thread still finishing its work.
    os._exit(code)
