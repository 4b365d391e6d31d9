"""The local stack started as `make dev` starts it (python -m local), driven over HTTP (fixture `local_stack` in tests/conftest.py)."""

from __future__ import annotations

import functools
import http.client
import itertools
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class HttpAnswer:
    status: int
    headers: dict[str, str]
    body: Any


class _FromAddress(urllib.request.HTTPHandler):
    """Connects from a chosen loopback address (all of 127.0.0.0/8 is this machine's), so that each
    simulated member reaches the local stack from an address of their own, as members do."""

    def __init__(self, source: str) -> None:
        super().__init__()
        self.source = source

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(http.client.HTTPConnection, source_address=(self.source, 0)), req)


_ADDRESSES = itertools.count(1)


def new_source() -> str:
    """A loopback address no other client of this process has used."""
    n = next(_ADDRESSES)
    return f"127.{n // 62500 % 250 + 1}.{n // 250 % 250}.{n % 250 + 1}"


STAFF_SESSIONS: dict[tuple[str, str], Browserish] = {}  # (stack, staff e-mail) → the client whose session is shared


@dataclass
class Browserish:
    """An HTTP client with a cookie jar that sends the CSRF token, like the front end does; from its own address."""

    base: str
    jar: CookieJar = field(default_factory=CookieJar)
    csrf: str | None = None
    source: str = field(default_factory=new_source)

    def request(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> HttpAnswer:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _FromAddress(self.source))
        sent = {"Content-Type": "application/json", **(headers or {})}
        if self.csrf and method in ("POST", "PUT", "PATCH", "DELETE"):
            sent.setdefault("X-CSRF-Token", self.csrf)
        data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=sent)
        try:
            with opener.open(req, timeout=30) as resp:
                raw, status, hdrs = resp.read(), resp.status, dict(resp.headers)
        except urllib.error.HTTPError as err:
            raw, status, hdrs = err.read(), err.code, dict(err.headers)
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = raw.decode("utf-8", "replace")
        return HttpAnswer(status, hdrs, parsed)

    def get(self, path: str, **kw: Any) -> HttpAnswer:
        return self.request("GET", path, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> HttpAnswer:
        return self.request("POST", path, body, **kw)

    def put(self, path: str, body: Any = None, **kw: Any) -> HttpAnswer:
        return self.request("PUT", path, body, **kw)

    def delete(self, path: str, **kw: Any) -> HttpAnswer:
        return self.request("DELETE", path, **kw)

    def login(self, email: str, password: str, totp_secret: str | None = None) -> HttpAnswer:
        """The login form; for a staff account, then its second factor (the demo admin's secret unless given).

        The demo admin signs in with a code once per stack; later clients of the same stack share that session
        (each code works once, so a sign-in per test would wait up to 30 s for a fresh one). The walks that test
        the staff sign-in itself sign in accounts of their own."""
        from tests import second_factor

        shared = STAFF_SESSIONS.get((self.base, email))
        if shared is not None and totp_secret is None:
            for cookie in shared.jar:
                self.jar.set_cookie(cookie)
            me = self.get("/api/me")
            if me.status == 200:
                self.csrf = shared.csrf
                return HttpAnswer(200, me.headers, {"member": me.body, "csrf_token": shared.csrf})
            self.jar.clear()
        answer = self.post("/api/auth/login", {"email": email, "password": password})
        if answer.status == 200 and isinstance(answer.body, dict) and "mfa" in answer.body:
            answer = second_factor.complete(self.post, self.base, answer.body, totp_secret or second_factor.DEMO_TOTP_SECRET)
            if answer.status == 200 and totp_secret is None:
                STAFF_SESSIONS[(self.base, email)] = self
        if answer.status == 200:
            self.csrf = answer.body["csrf_token"]
        return answer


@dataclass
class LocalStack:
    url: str
    process: subprocess.Popen[str]
    output: list[str]

    def client(self, source: str | None = None) -> Browserish:
        """A new visitor: from an address of their own, or from `source` (several clients of one attacker)."""
        return Browserish(self.url, source=source) if source else Browserish(self.url)

    def mails(self, to: str) -> list[dict[str, Any]]:
        with urllib.request.urlopen(f"{self.url}/_dev/mail?to={urllib.request.quote(to)}", timeout=10) as resp:
            return list(json.loads(resp.read())["items"])

    def wait_for_mail(self, to: str, subject_part: str, timeout: float = 10.0) -> dict[str, Any]:
        deadline = time.time() + timeout
        while time.time() < deadline:
            for mail in self.mails(to):
                if subject_part in mail["subject"]:
                    return mail
            time.sleep(0.1)
        raise AssertionError(f"no mail to {to} with subject containing {subject_part!r}")

    @staticmethod
    def link_in(mail: dict[str, Any]) -> str:
        found = re.search(r"https?://\S+", mail["body"])
        assert found, "mail has no link"
        return found.group(0)


def presigned_post(upload: dict[str, Any], data: bytes, content_type: str) -> None:
    """A file to a presigned POST as a browser's FormData sends it: every field, then the file (last)."""
    import uuid

    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in upload["fields"].items()]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="upload"\r\nContent-Type: {content_type}\r\n\r\n'.encode() + data + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    request = urllib.request.Request(upload["url"], data=b"".join(parts), method="POST", headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    with urllib.request.urlopen(request, timeout=60) as answer:
        assert answer.status in (200, 201, 204), answer.status


def start_stack(extra_env: dict[str, str] | None = None) -> LocalStack:
    port = _free_port()
    env = {**os.environ, "PORT": str(port), "PYTHONUNBUFFERED": "1", **(extra_env or {})}
    process = subprocess.Popen(
        [sys.executable, "-m", "local", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    output: list[str] = []
    ready = threading.Event()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line)
            if line.startswith("READY "):
                ready.set()
        ready.set()  # the process ended: stop waiting

    threading.Thread(target=pump, daemon=True).start()
    if not ready.wait(120) or process.poll() is not None:
        process.kill()
        raise RuntimeError("local stack did not start:\n" + "".join(output[-50:]))
    return LocalStack(url=f"http://127.0.0.1:{port}", process=process, output=output)


def stop_stack(stack: LocalStack) -> int:
    stack.process.send_signal(signal.SIGINT)
    try:
        return stack.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(stack.process.pid, signal.SIGKILL)
        raise
