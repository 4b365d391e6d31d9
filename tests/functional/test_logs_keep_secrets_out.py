"""No secret and no personal data reaches the logs, even at DEBUG.

The account flows run with every logger at DEBUG and a failing SES (so the mail-retry warning is
written). Every line any logger wrote (Powertools' JSON lines and anything else through `logging`)
is collected and searched for the passwords, tokens, cookie, addresses and profile values used.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from tests.conftest import DEMO, Env, Portal
from tests.functional.test_registration_and_reset import PROFILE

NEW = "log-check@example.jp"
NEW_PASSWORD = "Logcheck#2026"
RESET_PASSWORD = "Resetlog#2026"
WRONG_PASSWORD = "Wrongpass#2026"


class _Collect(logging.Handler):
    def __init__(self, lines: list[str], formatter: logging.Formatter | None) -> None:
        super().__init__(logging.DEBUG)
        self.lines = lines
        if formatter is not None:
            self.setFormatter(formatter)

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def written() -> Iterator[list[str]]:
    """Every formatted log line of this test, from the Powertools logger and the root logger."""
    import netclub.api  # noqa: F401  (creates the Powertools "netclub" logger)

    powertools = logging.getLogger("netclub")
    formatter = next((h.formatter for h in powertools.handlers if h.formatter), None)
    lines: list[str] = []
    ours, root_handler = _Collect(lines, formatter), _Collect(lines, logging.Formatter("%(name)s %(levelname)s %(message)s %(args)s"))
    saved = powertools.level, logging.getLogger().level
    powertools.addHandler(ours)
    powertools.setLevel(logging.DEBUG)
    logging.getLogger().addHandler(root_handler)
    logging.getLogger().setLevel(logging.DEBUG)
    try:
        yield lines
    finally:
        powertools.removeHandler(ours)
        logging.getLogger().removeHandler(root_handler)
        powertools.setLevel(saved[0])
        logging.getLogger().setLevel(saved[1])


def test_account_flows_write_no_secret_or_personal_data(env: Env, portal: Portal, written: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from botocore.exceptions import ClientError
    from netclub.mail import sender

    secrets: list[str] = [DEMO[0], DEMO[1], NEW, NEW_PASSWORD, RESET_PASSWORD, WRONG_PASSWORD, PROFILE["company_name"], "試験花子"]

    assert portal.login(DEMO[0], WRONG_PASSWORD).status == 401
    assert portal.post("/api/registrations", {"email": NEW, "email_confirm": NEW}).status == 202
    token = env.link_token(NEW, "/register/confirm")
    secrets.append(token)
    answer = portal.post("/api/registrations/confirm", {"token": token, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD, "profile": PROFILE})
    assert answer.status == 201, answer.body

    member = env.new_client()
    assert member.login(*DEMO).status == 200
    cookie = member.client.get_cookie("netclub_session")
    assert cookie is not None and member.csrf
    secrets += [cookie.value, member.csrf]
    assert member.get("/api/profile").status == 200
    assert (
        member.put("/api/me/password", {"current_password": WRONG_PASSWORD, "new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD}).status == 400
    )

    assert portal.post("/api/password-reset", {"email": DEMO[0], "email_confirm": DEMO[0]}).status == 202
    reset = env.link_token(DEMO[0], "/password-reset/confirm")
    secrets.append(reset)
    confirmed = portal.post("/api/password-reset/confirm", {"token": reset, "new_password": RESET_PASSWORD, "new_password_confirm": RESET_PASSWORD})
    assert confirmed.status == 204, confirmed.body

    def broken(to: str, subject: str, body: str, reply_to: str | None = None) -> None:
        raise ClientError({"Error": {"Code": "MessageRejected", "Message": f"rejected {to}"}}, "SendEmail")

    monkeypatch.setattr(sender, "deliver", broken)
    assert portal.post("/api/password-reset", {"email": DEMO[0], "email_confirm": DEMO[0]}).status == 202

    text = "\n".join(written)
    assert any("mail send failed" in line for line in written), "the failed send was not logged at all"
    leaked = [s for s in secrets if s and s in text]
    assert leaked == [], f"{len(leaked)} secret value(s) found in the logs"


def test_an_unexpected_error_is_a_japanese_500_logged_without_its_text(member: Portal, written: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from netclub.services import auth

    def failing(member_id: str) -> None:
        raise ValueError(f"cannot read profile of {DEMO[0]} 株式会社中小ニット")

    monkeypatch.setattr(auth, "me", failing)
    answer = member.get("/api/me")
    assert answer.status == 500
    assert answer.error == {"code": "internal_error", "message": "システムエラーが発生しました。時間をおいてもう一度お試しください。"}
    assert DEMO[0] not in answer.raw.decode()

    logged = "\n".join(line for line in written if "unhandled error" in line)
    assert '"error_type":"ValueError"' in logged and "test_logs_keep_secrets_out.py" in logged and "failing" in logged
    assert DEMO[0] not in "\n".join(written) and "中小ニット" not in "\n".join(written)
