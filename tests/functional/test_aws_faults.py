"""AWS's faults, injected on every writing route (docs/architecture.md "Parity with AWS").

moto never throttles, never cancels a transaction for a conflict and never loses SES. Here each
route of template.yaml that writes is driven in-process (the real authorizer and handler, moto
as AWS) while tests/functional/faults.py answers chosen requests on the wire with the errors AWS
sends, under botocore's own retry layer. Every route must answer:

- success, when the fault is transient (the SDK's retries, or the transaction's own, ride it out);
- 503 `unavailable` with `Retry-After` and a Japanese message, when DynamoDB keeps throttling;
- 409 `busy`, when a transaction keeps meeting others (TransactionConflict);
- and in both refusals nothing written (both tables exactly as before), and the same request
  succeeds once AWS is back;
- success whatever SES does (throttled, out): every mail is written to the outbox in the action's own
  transaction and sent after the commit, so a refused send leaves it there for the retry;
- and a process that dies between the commit and the send (injected: the Lambda timed out or ran out of
  memory) loses no mail: each one the action promised waits in the outbox, and the retry sends each once.

The routes come from template.yaml, so a new writing route without a row here fails
`test_every_writing_route_has_a_row`.
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.conftest import DEMO, SCHEDULED_EVENT, STAFF, Answer, Env, Portal
from tests.functional import faults as wire
from tests.functional.reservation_helpers import day, new_member, offering

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
PROFILE = {"corporate_type": "founder", "company_name": "障害太郎", "user": {"name": "障害太郎"}}
EVENT = {
    "title": "障害試験セミナー",
    "starts_at": "2026-11-12T14:00:00+09:00",
    "ends_at": "2026-11-12T16:00:00+09:00",
    "place": "秋葉原庁舎",
    "url": "https://www.example.com/events/1",
    "description": "説明",
}
VIDEO = {"title": "はじめての経営相談", "description": "説明", "url": "https://media.netclub.example/videos/intro.mp4", "duration_s": 300}
NOTICE = {"title": "お知らせ", "body": "本文", "published_at": "2026-01-01T09:00"}


@dataclass
class Call:
    """One request to make under a fault; `then` runs after it succeeded (the world moved on)."""

    client: Portal
    method: str
    path: str
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    then: Callable[[], None] = lambda: None

    def send(self) -> Answer:
        return self.client.request(self.method, self.path, self.body, headers=self.headers)


@dataclass
class Ctx:
    env: Env
    staff: Portal
    member: Portal
    monkeypatch: pytest.MonkeyPatch
    n: itertools.count = field(default_factory=lambda: itertools.count(1))
    password: str = DEMO[1]
    kind_id: str = ""
    company_id: str = ""
    other_member: Portal | None = None

    def next(self) -> int:
        return next(self.n)

    def visitor(self) -> Portal:
        """A visitor from an address of their own (as members are: the per-source limits apply to each)."""
        n = self.next()
        return self.env.new_client(f"198.18.{n // 250}.{n % 250 + 1}")

    def login(self) -> Portal:
        client = self.env.new_client()
        assert client.login(DEMO[0], self.password).status == 200
        return client

    def kind(self) -> str:
        if not self.kind_id:
            created = self.staff.post("/api/admin/inquiry-kinds", {"name": "経営相談"})
            assert created.status == 201, created.body
            self.kind_id = created.body["id"]
        return self.kind_id

    def registered(self) -> str:
        """A member who registered and waits for review (pending_review): their member_id."""
        email = f"pending{self.next()}@example.jp"
        visitor = self.visitor()
        assert visitor.post("/api/registrations", {"email": email, "email_confirm": email}).status == 202
        token = self.env.link_token(email, "/register/confirm")
        body = {"token": token, "password": "Pending#2026pass", "password_confirm": "Pending#2026pass", "profile": PROFILE}
        confirmed = visitor.post("/api/registrations/confirm", body)
        assert confirmed.status == 201, confirmed.body
        return str(confirmed.body["member_id"])

    def seminar(self, capacities: tuple[int, ...] = (3, 5)) -> dict[str, Any]:
        return offering(self.staff, capacities=capacities)

    def reservation(self) -> dict[str, Any]:
        o = self.seminar()
        made = self.member.post("/api/reservations", {"offering_id": o["id"], "slot_id": o["slots"][0]["id"]})
        assert made.status == 201, made.body
        return {**made.body, "offering": o}

    def other(self) -> Portal:
        """A second member (one for the whole test: each call makes its own offering)."""
        if self.other_member is None:
            self.other_member = new_member(self.env, self.staff, "faults-other@example.jp")
        return self.other_member

    def waiting(self, capacities: tuple[int, ...] = (1, 5)) -> dict[str, Any]:
        """The demo member holds the only seat of slot 0; the other member waits for it (キャンセル待ち)."""
        o = self.seminar(capacities)
        slot = o["slots"][0]["id"]
        held = self.member.post("/api/reservations", {"offering_id": o["id"], "slot_id": slot})
        waits = self.other().post("/api/reservations", {"offering_id": o["id"], "slot_id": slot, "waitlist": True})
        assert held.status == waits.status == 201 and waits.body["status"] == "waitlisted", (held.body, waits.body)
        return {**held.body, "offering": o, "waiting": waits.body}

    def inquiry(self) -> dict[str, Any]:
        made = self.member.post("/api/inquiries", {"kind_id": self.kind(), "content": "融資について相談したい。"})
        assert made.status == 201, made.body
        return dict(made.body)

    def company(self) -> str:
        """A published company other than the demo member's (local/seed_directory.py's first): its company_id."""
        if not self.company_id:
            from netclub.store import accounts

            from local import seed_directory

            seed_directory.seed(1)
            member = accounts.get_member(str(accounts.member_id_for_email("company1@directory.example")))
            assert member is not None
            self.company_id = str(member["company_id"])
        return self.company_id

    def created(self, path: str, body: dict[str, Any]) -> str:
        made = self.staff.post(path, body)
        assert made.status == 201, made.body
        return str(made.body["id"])

    def invited(self, role: str = "staff", departments: list[str] | None = None) -> tuple[str, str]:
        """A staff account the admin invited (招待中): its id and the invitation's token."""
        email = f"staff{self.next()}@netclub.example"
        made = self.staff.post("/api/admin/staff", {"email": email, "name": f"職員{self.next()}", "role": role, "departments": departments or []})
        assert made.status == 201, made.body
        return str(made.body["staff_id"]), self.env.link_token(email, "/staff/invite")

    def imported_file(self, status: str = "validated") -> str:
        """A migration CSV of one new member uploaded and (validated) checked by the worker: the import's id."""
        from netclub.aws import client
        from netclub.config import get_settings

        from tests.member_files import csv_bytes, row

        data = csv_bytes([row(900_000 + self.next(), domain="faults.example")])
        made = self.staff.post("/api/admin/member-imports", {"filename": "kaiin.csv", "size": len(data)})
        assert made.status == 201, made.body
        import_id = str(made.body["import_id"])
        client("s3").put_object(Bucket=get_settings().attachments_bucket, Key=made.body["upload"]["fields"]["key"], Body=data, ContentType="text/csv")
        if status == "validated":
            assert self.staff.post(f"/api/admin/member-imports/{import_id}/validate").status == 202
            self.import_message({"import_id": import_id, "phase": "validate"})
        return import_id

    def import_message(self, body: dict[str, Any]) -> None:
        """MemberImportWorkerFunction given one queue message, as the SQS mapping gives it."""
        import json

        answer = self.env.invoke("MemberImportWorkerFunction", {"Records": [{"messageId": f"m{self.next()}", "body": json.dumps(body)}]})
        assert answer == {"batchItemFailures": []}, answer

    def migrated(self) -> tuple[str, str]:
        """A member brought over by an import with its invitation: its id and the /welcome token."""
        import_id = self.imported_file()
        assert self.staff.post(f"/api/admin/member-imports/{import_id}/run", {"send_invitations": True}).status == 202
        self.import_message({"import_id": import_id, "phase": "run", "chunk": 0})
        state = self.staff.get(f"/api/admin/member-imports/{import_id}").body
        assert state["status"] == "done" and state["created"] == 1, state
        from netclub.store import dynamo

        marker = dynamo.get(f"IMPORT#{import_id}", "ROW#000001", consistent=True)
        assert marker
        member = dynamo.get(f"MEMBER#{marker['member_id']}", "MEMBER")
        assert member
        return str(member["member_id"]), self.env.link_token(str(member["email"]), "/welcome")

    def new_staff(self, role: str = "staff", departments: list[str] | None = None, enrol: bool = True) -> tuple[Portal, dict[str, Any]]:
        """A staff account invited, its password set and (enrol) its second factor enrolled, signed in: the client
        and {staff_id, email, password, secret}. Each has its own TOTP secret, so its codes never wait for another's."""
        staff_id, token = self.invited(role, departments)
        email = self.staff.get("/api/admin/staff").body["items"]
        email = next(i["email"] for i in email if i["staff_id"] == staff_id)
        password = f"Staff#2026pw{self.next()}"
        assert self.visitor().post("/api/staff-invitations/confirm", {"token": token, "password": password, "password_confirm": password}).status == 204
        account = {"staff_id": staff_id, "email": email, "password": password, "secret": ""}
        client = self.visitor()
        if enrol:
            account["secret"] = enrol_second_factor(client, email, password)
        return client, account


def enrol_second_factor(client: Portal, email: str, password: str) -> str:
    """The first login of a staff account: 2段階認証の設定 with the secret the portal gives, confirmed by a code.
    The client is signed in after it; the secret is returned."""
    from netclub import clock, totp

    challenge = client.post("/api/auth/login", {"email": email, "password": password})
    assert challenge.status == 200 and challenge.body["mfa"] == "enrol", challenge.body
    secret = client.post("/api/auth/mfa/enrol", {"mfa_token": challenge.body["mfa_token"]}).body["secret"]
    code = totp.code_at(secret, clock.now().timestamp())
    done = client.post("/api/auth/mfa/verify", {"mfa_token": challenge.body["mfa_token"], "code": code})
    assert done.status == 200 and len(done.body["recovery_codes"]) == 10, done.body
    client.csrf = done.body["csrf_token"]
    return str(secret)


# --- one row per writing route: how to make one request that succeeds when AWS behaves ------


def _login(c: Ctx) -> Call:
    wire.forget_limits()  # the refused attempts before it stay counted (by design); this one is not meant to meet them
    return Call(c.visitor(), "POST", "/api/auth/login", {"email": DEMO[0], "password": c.password})


def _logout(c: Ctx) -> Call:
    return Call(c.login(), "POST", "/api/auth/logout")


def _password_change(c: Ctx) -> Call:
    new = f"Changed#2026pw{c.next()}"

    def then() -> None:
        c.password = new

    body = {"current_password": c.password, "new_password": new, "new_password_confirm": new}
    return Call(c.login(), "PUT", "/api/me/password", body, then=then)


def _reset_request(c: Ctx) -> Call:
    wire.forget_limits()  # at most 3 mails an hour to one address: each request here stands for another hour
    return Call(c.visitor(), "POST", "/api/password-reset", {"email": DEMO[0], "email_confirm": DEMO[0]})


def _reset_confirm(c: Ctx) -> Call:
    wire.forget_limits()
    assert c.visitor().post("/api/password-reset", {"email": DEMO[0], "email_confirm": DEMO[0]}).status == 202
    token = c.env.link_token(DEMO[0], "/password-reset/confirm")
    new = f"Resetted#2026pw{c.next()}"

    def then() -> None:
        c.password = new

    return Call(c.visitor(), "POST", "/api/password-reset/confirm", {"token": token, "new_password": new, "new_password_confirm": new}, then=then)


def _registration(c: Ctx) -> Call:
    email = f"newcomer{c.next()}@example.jp"
    return Call(c.visitor(), "POST", "/api/registrations", {"email": email, "email_confirm": email})


def _registration_confirm(c: Ctx) -> Call:
    email = f"confirming{c.next()}@example.jp"
    assert c.visitor().post("/api/registrations", {"email": email, "email_confirm": email}).status == 202
    token = c.env.link_token(email, "/register/confirm")
    body = {"token": token, "password": "Confirm#2026pass", "password_confirm": "Confirm#2026pass", "profile": PROFILE}
    return Call(c.visitor(), "POST", "/api/registrations/confirm", body)


def _profile_update(c: Ctx) -> Call:
    view = c.member.get("/api/profile").body
    body = copy.deepcopy(view)
    body.pop("pending_email", None)
    body["office_name"] = f"支店{c.next()}"
    body["user"]["email"] = f"changed{c.next()}@example.jp"  # the e-mail change too: its verification mail
    return Call(c.member, "PUT", "/api/profile", body)


def _email_confirm(c: Ctx) -> Call:
    view = c.member.get("/api/profile").body
    body = copy.deepcopy(view)
    body.pop("pending_email", None)
    new = f"moved{c.next()}@example.jp"
    body["user"]["email"] = new
    assert c.member.put("/api/profile", body).status == 200
    token = c.env.link_token(new, "/profile/email/confirm")
    return Call(c.visitor(), "POST", "/api/profile/email/confirm", {"token": token})


def _inquiry_create(c: Ctx) -> Call:
    body = {"kind_id": c.kind(), "content": f"相談内容{c.next()}"}
    return Call(c.member, "POST", "/api/inquiries", body, {"Idempotency-Key": f"inq-{c.next()}"})


def _contact(c: Ctx) -> Call:
    body = {"subject": f"商談のご相談{c.next()}", "message": "御社の加工について伺いたく存じます。"}
    return Call(c.member, "POST", f"/api/directory/{c.company()}/contact", body, {"Idempotency-Key": f"contact-{c.next()}"})


def _attachment(c: Ctx) -> Call:
    return Call(c.member, "POST", "/api/attachments", {"filename": "資料.pdf", "content_type": "application/pdf", "size": 1234})


def _reservation_create(c: Ctx) -> Call:
    o = c.seminar()
    return Call(c.member, "POST", "/api/reservations", {"offering_id": o["id"], "slot_id": o["slots"][0]["id"]}, {"Idempotency-Key": f"res-{c.next()}"})


def _reservation_change(c: Ctx) -> Call:
    r = c.reservation()
    return Call(c.member, "PUT", f"/api/reservations/{r['id']}", {"slot_id": r["offering"]["slots"][1]["id"]})


def _reservation_cancel(c: Ctx) -> Call:
    r = c.reservation()
    return Call(c.member, "DELETE", f"/api/reservations/{r['id']}")


def _feed_rotate(c: Ctx) -> Call:
    """Re-issue the calendar feed URL: afterwards exactly one URL answers, the new one."""
    before = c.member.get("/api/me/calendar-feed").body["url"]
    calendar = c.visitor()

    def then() -> None:
        now = c.member.get("/api/me/calendar-feed").body["url"]
        assert now != before
        assert calendar.get(before.removeprefix("http://portal.test")).status == 404
        assert calendar.get(now.removeprefix("http://portal.test")).status == 200

    return Call(c.member, "POST", "/api/me/calendar-feed/rotate", then=then)


def _approve(c: Ctx) -> Call:
    return Call(c.staff, "POST", f"/api/admin/members/{c.registered()}/approve")


def _member_profile(c: Ctx) -> Call:
    member_id = c.env.accounts["member"]
    detail = c.staff.get(f"/api/admin/members/{member_id}").body
    body = {**detail["profile"], "staff_fields": {**(detail.get("staff_fields") or {}), "note": f"更新{c.next()}"}}
    return Call(c.staff, "PUT", f"/api/admin/members/{member_id}/profile", body)


def _content(kind: str, body: dict[str, Any], changed: dict[str, Any]) -> tuple[Callable[[Ctx], Call], Callable[[Ctx], Call], Callable[[Ctx], Call]]:
    def create(c: Ctx) -> Call:
        return Call(c.staff, "POST", f"/api/admin/{kind}", body)

    def update(c: Ctx) -> Call:
        return Call(c.staff, "PUT", f"/api/admin/{kind}/{c.created(f'/api/admin/{kind}', body)}", {**body, **changed})

    def delete(c: Ctx) -> Call:
        return Call(c.staff, "DELETE", f"/api/admin/{kind}/{c.created(f'/api/admin/{kind}', body)}")

    return create, update, delete


_events = _content("events", EVENT, {"starts_at": "2026-12-03T10:00:00+09:00", "ends_at": "2026-12-03T12:00:00+09:00"})
_videos = _content("videos", VIDEO, {"title": "改題"})
_notices = _content("notices", NOTICE, {"title": "改題"})


def _offering_body() -> dict[str, Any]:
    return {"kind": "seminar", "title": "経営セミナー", "description": "説明", "apply_until": f"{day(5)}T17:00"}


def _offering_create(c: Ctx) -> Call:
    return Call(c.staff, "POST", "/api/admin/offerings", _offering_body())


def _offering_update(c: Ctx) -> Call:
    o = c.seminar()
    return Call(c.staff, "PUT", f"/api/admin/offerings/{o['id']}", {**_offering_body(), "title": "改題セミナー"})


def _offering_delete(c: Ctx) -> Call:
    o = c.seminar()
    return Call(c.staff, "DELETE", f"/api/admin/offerings/{o['id']}")


def _slot_body(n: int, capacity: int = 4) -> dict[str, Any]:
    return {"date": day(12 + n), "start_time": "14:00", "end_time": "16:00", "place": "秋葉原庁舎", "capacity": capacity}


def _slot_create(c: Ctx) -> Call:
    o = c.seminar()
    return Call(c.staff, "POST", f"/api/admin/offerings/{o['id']}/slots", _slot_body(3))


def _slot_update(c: Ctx) -> Call:
    o = c.seminar()
    return Call(c.staff, "PUT", f"/api/admin/offerings/{o['id']}/slots/{o['slots'][0]['id']}", _slot_body(0, capacity=9))


def _slot_delete(c: Ctx) -> Call:
    o = c.seminar()
    return Call(c.staff, "DELETE", f"/api/admin/offerings/{o['id']}/slots/{o['slots'][0]['id']}")


def _lottery(c: Ctx) -> Call:
    from netclub import clock

    o = offering(c.staff, kind="counseling", capacities=(1, 1), apply_days=1, slot_days=5)
    applied = c.member.post("/api/reservations", {"offering_id": o["id"], "preferences": [o["slots"][0]["id"]]})
    assert applied.status == 201, applied.body
    later = clock.now() + dt.timedelta(days=2)
    c.monkeypatch.setattr(clock, "now", lambda: later)
    assert c.staff.login(*STAFF).status == 200
    assert c.member.login(DEMO[0], c.password).status == 200
    return Call(c.staff, "POST", f"/api/admin/offerings/{o['id']}/lottery", {"seed": 7})


def _export_start(c: Ctx) -> Call:
    """名簿出力 started (the worker builds it: test_exports.py)."""
    return Call(c.staff, "POST", "/api/admin/exports", {"kind": "members", "service": "argus"})


def _attendance(c: Ctx) -> Call:
    r = c.reservation()
    return Call(c.staff, "POST", f"/api/admin/reservations/{r['id']}/attendance")


def _kind_create(c: Ctx) -> Call:
    return Call(c.staff, "POST", "/api/admin/inquiry-kinds", {"name": f"種類{c.next()}"})


def _kind_update(c: Ctx) -> Call:
    kind_id = c.created("/api/admin/inquiry-kinds", {"name": f"種類{c.next()}"})
    return Call(c.staff, "PUT", f"/api/admin/inquiry-kinds/{kind_id}", {"name": f"改名{c.next()}"})


def _kind_delete(c: Ctx) -> Call:
    kind_id = c.created("/api/admin/inquiry-kinds", {"name": f"種類{c.next()}"})
    return Call(c.staff, "DELETE", f"/api/admin/inquiry-kinds/{kind_id}")


def _reply(c: Ctx) -> Call:
    return Call(c.staff, "POST", f"/api/admin/inquiries/{c.inquiry()['id']}/reply", {"body": "ご相談ありがとうございます。"})


def _close(c: Ctx) -> Call:
    return Call(c.staff, "POST", f"/api/admin/inquiries/{c.inquiry()['id']}/close")


def _waitlist_join(c: Ctx) -> Call:
    o = c.seminar((1,))
    slot = o["slots"][0]["id"]
    assert c.other().post("/api/reservations", {"offering_id": o["id"], "slot_id": slot}).status == 201
    body = {"offering_id": o["id"], "slot_id": slot, "waitlist": True}
    return Call(c.member, "POST", "/api/reservations", body, {"Idempotency-Key": f"wait-{c.next()}"})


def _cancel_promoting(c: Ctx) -> Call:
    r = c.waiting()
    return Call(c.member, "DELETE", f"/api/reservations/{r['id']}")


def _change_away_promoting(c: Ctx) -> Call:
    r = c.waiting()
    return Call(c.member, "PUT", f"/api/reservations/{r['id']}", {"slot_id": r["offering"]["slots"][1]["id"]})


def _raise_promoting(c: Ctx) -> Call:
    r = c.waiting()
    slot = r["offering"]["slots"][0]
    body = {k: slot[k] for k in ("date", "start_time", "end_time", "place")} | {"capacity": 2}
    return Call(c.staff, "PUT", f"/api/admin/offerings/{r['offering']['id']}/slots/{slot['id']}", body)


NEWSLETTER = {"subject": "障害試験号", "body": "本文です。\n二行目", "genres": ["netclub_magazine", "e_argus"]}


def _newsletter_create(c: Ctx) -> Call:
    return Call(c.staff, "POST", "/api/admin/newsletters", NEWSLETTER)


def _newsletter_update(c: Ctx) -> Call:
    return Call(c.staff, "PUT", f"/api/admin/newsletters/{c.created('/api/admin/newsletters', NEWSLETTER)}", {**NEWSLETTER, "subject": "改題"})


def _newsletter_delete(c: Ctx) -> Call:
    return Call(c.staff, "DELETE", f"/api/admin/newsletters/{c.created('/api/admin/newsletters', NEWSLETTER)}")


def _newsletter_test(c: Ctx) -> Call:
    return Call(c.staff, "POST", f"/api/admin/newsletters/{c.created('/api/admin/newsletters', NEWSLETTER)}/test")


def _newsletter_send(c: Ctx) -> Call:
    return Call(c.staff, "POST", f"/api/admin/newsletters/{c.created('/api/admin/newsletters', NEWSLETTER)}/send", {})


def _newsletter_redrive(c: Ctx) -> Call:
    """A newsletter being sent (its message on the queue) and one of its messages in the DLQ, re-driven."""
    import json

    from netclub.aws import client

    from local import cfn, stack
    from local.resources import physical_names

    newsletter_id = c.created("/api/admin/newsletters", NEWSLETTER)
    assert c.staff.post(f"/api/admin/newsletters/{newsletter_id}/send", {}).status == 202
    template = cfn.load()
    dlq = cfn.Resolver(template, physical_names(template, stack.PREFIX), {"Stage": "local"}, stack.REGION, stack.ACCOUNT).ref("NewsletterDeadLetterQueue")
    body = json.dumps({"newsletter_id": newsletter_id, "member_ids": [c.env.accounts["member"]]})
    client("sqs").send_message_batch(QueueUrl=dlq, Entries=[{"Id": "1", "MessageBody": body}])
    return Call(c.staff, "POST", f"/api/admin/newsletters/{newsletter_id}/redrive")


def _newsletter_resume(c: Ctx) -> Call:
    """A newsletter SES's account-level refusal paused, one recipient held (as the worker leaves it)."""
    from netclub import clock
    from netclub.services import newsletters
    from netclub.store import dynamo
    from netclub.store import newsletters as store

    newsletter_id = c.created("/api/admin/newsletters", NEWSLETTER)
    assert c.staff.post(f"/api/admin/newsletters/{newsletter_id}/send", {}).status == 202
    assert store.pause(newsletter_id, "SendingPausedException", clock.iso())
    dynamo.transact(store.hold_ops(newsletter_id, [c.env.accounts["member"]], clock.iso(), newsletters._held_ttl()))
    return Call(c.staff, "POST", f"/api/admin/newsletters/{newsletter_id}/resume")


def _unsubscribe(c: Ctx) -> Call:
    """A subscribed member and the token of a newsletter mail to them (its record, as the worker writes it)."""
    from netclub import clock
    from netclub.services import newsletters
    from netclub.store import newsletters as store

    profile = c.member.get("/api/profile").body
    profile.pop("pending_email", None)
    profile["subscriptions"] = {**profile["subscriptions"], "mail_magazine": True, "mail_magazine_genres": ["netclub_magazine"]}
    assert c.member.put("/api/profile", profile).status == 200
    newsletter_id = c.created("/api/admin/newsletters", NEWSLETTER)
    token = f"fault-token-{c.next()}"
    assert store.claim(newsletter_id, c.env.accounts["member"], newsletters._digest(token), clock.iso(), clock.epoch() + 3600) is None
    return Call(c.visitor(), "POST", f"/api/unsubscribe?token={token}", headers={"Content-Type": "application/x-www-form-urlencoded"})


def _mfa_enrol(c: Ctx) -> Call:
    _, account = c.new_staff(enrol=False)
    challenge = c.visitor().post("/api/auth/login", {"email": account["email"], "password": account["password"]}).body
    return Call(c.visitor(), "POST", "/api/auth/mfa/enrol", {"mfa_token": challenge["mfa_token"]})


def _mfa_verify(c: Ctx) -> Call:
    from netclub import clock, totp

    wire.forget_limits()
    _, account = c.new_staff()
    client = c.visitor()
    challenge = client.post("/api/auth/login", {"email": account["email"], "password": account["password"]}).body
    assert challenge["mfa"] == "verify", challenge
    code = totp.code_at(account["secret"], clock.now().timestamp() + totp.STEP_SECONDS)  # the next step's: the enrolment used this one
    return Call(client, "POST", "/api/auth/mfa/verify", {"mfa_token": challenge["mfa_token"], "code": code})


def _invitation_confirm(c: Ctx) -> Call:
    _, token = c.invited()
    return Call(c.visitor(), "POST", "/api/staff-invitations/confirm", {"token": token, "password": "Invited#2026pw", "password_confirm": "Invited#2026pw"})


def _staff_invite(c: Ctx) -> Call:
    return Call(c.staff, "POST", "/api/admin/staff", {"email": f"invitee{c.next()}@netclub.example", "name": "招待花子", "role": "staff", "departments": []})


def _staff_update(c: Ctx) -> Call:
    staff_id, _ = c.invited()
    return Call(c.staff, "PUT", f"/api/admin/staff/{staff_id}", {"name": f"改名{c.next()}", "role": "admin", "departments": []})


def _staff_action(action: str) -> Callable[[Ctx], Call]:
    def make(c: Ctx) -> Call:
        _, account = c.new_staff(role="admin")  # an active admin: 停止 changes the count of admins too
        if action == "enable":
            assert c.staff.post(f"/api/admin/staff/{account['staff_id']}/disable").status == 200
        return Call(c.staff, "POST", f"/api/admin/staff/{account['staff_id']}/{action}")

    return make


def _import_create(c: Ctx) -> Call:
    return Call(c.staff, "POST", "/api/admin/member-imports", {"filename": "kaiin.csv", "size": 1000})


def _import_validate(c: Ctx) -> Call:
    return Call(c.staff, "POST", f"/api/admin/member-imports/{c.imported_file(status='uploaded')}/validate")


def _import_run(c: Ctx) -> Call:
    return Call(c.staff, "POST", f"/api/admin/member-imports/{c.imported_file()}/run", {"send_invitations": True})


def _member_invitation_confirm(c: Ctx) -> Call:
    _, token = c.migrated()
    return Call(c.visitor(), "POST", "/api/member-invitations/confirm", {"token": token, "password": "Welcome#2026pw", "password_confirm": "Welcome#2026pw"})


def _member_invitation_resend(c: Ctx) -> Call:
    member_id, _ = c.migrated()
    return Call(c.staff, "POST", f"/api/admin/members/{member_id}/invitation")


def _withdrawal(c: Ctx) -> Call:
    from tests.functional.reservation_helpers import PASSWORD

    return Call(new_member(c.env, c.staff, f"leaving{c.next()}@example.jp"), "POST", "/api/me/withdrawal", {"password": PASSWORD, "reason": "廃業"})


def _staff_withdraws(c: Ctx) -> Call:
    member_id = new_member(c.env, c.staff, f"withdrawn{c.next()}@example.jp").get("/api/me").body["member_id"]
    return Call(c.staff, "POST", f"/api/admin/members/{member_id}/withdraw", {"reason": "退会届"})


def _erase(c: Ctx) -> Call:
    member_id = new_member(c.env, c.staff, f"erased{c.next()}@example.jp").get("/api/me").body["member_id"]
    assert c.staff.post(f"/api/admin/members/{member_id}/withdraw", {}).status == 200
    return Call(c.staff, "POST", f"/api/admin/members/{member_id}/erase")


def _suspend(c: Ctx) -> Call:
    member_id = new_member(c.env, c.staff, f"suspend{c.next()}@example.jp").get("/api/me").body["member_id"]
    return Call(c.staff, "POST", f"/api/admin/members/{member_id}/suspend", {"reason": "会費未納"})


def _reinstate(c: Ctx) -> Call:
    member_id = new_member(c.env, c.staff, f"reinstate{c.next()}@example.jp").get("/api/me").body["member_id"]
    assert c.staff.post(f"/api/admin/members/{member_id}/suspend", {}).status == 200
    return Call(c.staff, "POST", f"/api/admin/members/{member_id}/reinstate")


def _department_create(c: Ctx) -> Call:
    return Call(c.staff, "POST", "/api/admin/departments", {"name": f"部署{c.next()}"})


def _department_update(c: Ctx) -> Call:
    return Call(c.staff, "PUT", f"/api/admin/departments/{c.created('/api/admin/departments', {'name': f'部署{c.next()}'})}", {"name": "改名"})


def _department_delete(c: Ctx) -> Call:
    return Call(c.staff, "DELETE", f"/api/admin/departments/{c.created('/api/admin/departments', {'name': f'部署{c.next()}'})}")


@dataclass(frozen=True)
class Row:
    make: Callable[[Ctx], Call]
    mails: int  # how many mails a success sends (each written to the outbox in the action's transaction)
    idempotent: bool = False  # takes an Idempotency-Key
    resumable: bool = False  # a refused run may leave a recorded, resumable step (the lottery's seed)
    same_answer: bool = False  # answers the same whatever happens, so as not to tell whether an address is registered
    counts_first: bool = False  # counts the attempt (LIMIT# items) before anything else, by design: the count stays when the rest is refused
    key_in_transaction: bool = False  # the Idempotency-Key's record is an item of the use case's own transaction (no Powertools record)
    promotes: bool = False  # a seat goes to the waiting list's head: its mail (to faults-other@) must be kept as well


ROWS: dict[tuple[str, str], Row] = {
    ("POST", "/api/auth/login"): Row(_login, mails=0, counts_first=True),
    ("POST", "/api/auth/logout"): Row(_logout, mails=0),
    ("PUT", "/api/me/password"): Row(_password_change, mails=1),
    ("POST", "/api/password-reset"): Row(_reset_request, mails=1, same_answer=True),
    ("POST", "/api/password-reset/confirm"): Row(_reset_confirm, mails=1),
    ("POST", "/api/registrations"): Row(_registration, mails=1, same_answer=True),
    ("POST", "/api/registrations/confirm"): Row(_registration_confirm, mails=1),
    ("PUT", "/api/profile"): Row(_profile_update, mails=1),
    ("POST", "/api/profile/email/confirm"): Row(_email_confirm, mails=1),
    ("POST", "/api/inquiries"): Row(_inquiry_create, mails=1, idempotent=True),
    ("POST", "/api/attachments"): Row(_attachment, mails=0),
    ("POST", "/api/directory/{company_id}/contact"): Row(_contact, mails=1, idempotent=True),
    ("POST", "/api/reservations"): Row(_reservation_create, mails=1, idempotent=True, key_in_transaction=True),
    ("PUT", "/api/reservations/{reservation_id}"): Row(_reservation_change, mails=1),
    ("DELETE", "/api/reservations/{reservation_id}"): Row(_reservation_cancel, mails=1),
    ("POST", "/api/me/calendar-feed/rotate"): Row(_feed_rotate, mails=0),
    ("POST", "/api/admin/members/{member_id}/approve"): Row(_approve, mails=1),
    ("PUT", "/api/admin/members/{member_id}/profile"): Row(_member_profile, mails=0),
    ("POST", "/api/admin/events"): Row(_events[0], mails=0),
    ("PUT", "/api/admin/events/{event_id}"): Row(_events[1], mails=0),
    ("DELETE", "/api/admin/events/{event_id}"): Row(_events[2], mails=0),
    ("POST", "/api/admin/videos"): Row(_videos[0], mails=0),
    ("PUT", "/api/admin/videos/{video_id}"): Row(_videos[1], mails=0),
    ("DELETE", "/api/admin/videos/{video_id}"): Row(_videos[2], mails=0),
    ("POST", "/api/admin/notices"): Row(_notices[0], mails=0),
    ("PUT", "/api/admin/notices/{notice_id}"): Row(_notices[1], mails=0),
    ("DELETE", "/api/admin/notices/{notice_id}"): Row(_notices[2], mails=0),
    ("POST", "/api/admin/offerings"): Row(_offering_create, mails=0),
    ("PUT", "/api/admin/offerings/{offering_id}"): Row(_offering_update, mails=0),
    ("DELETE", "/api/admin/offerings/{offering_id}"): Row(_offering_delete, mails=0),
    ("POST", "/api/admin/offerings/{offering_id}/slots"): Row(_slot_create, mails=0),
    ("PUT", "/api/admin/offerings/{offering_id}/slots/{slot_id}"): Row(_slot_update, mails=0),
    ("DELETE", "/api/admin/offerings/{offering_id}/slots/{slot_id}"): Row(_slot_delete, mails=0),
    # the worker draws and mails, each result with its mail in the outbox (test_lottery_and_history.py)
    ("POST", "/api/admin/offerings/{offering_id}/lottery"): Row(_lottery, mails=0, resumable=True),
    ("POST", "/api/admin/reservations/{reservation_id}/attendance"): Row(_attendance, mails=0),
    ("POST", "/api/admin/exports"): Row(_export_start, mails=0),
    ("POST", "/api/admin/inquiry-kinds"): Row(_kind_create, mails=0),
    ("PUT", "/api/admin/inquiry-kinds/{kind_id}"): Row(_kind_update, mails=0),
    ("DELETE", "/api/admin/inquiry-kinds/{kind_id}"): Row(_kind_delete, mails=0),
    ("POST", "/api/admin/inquiries/{inquiry_id}/reply"): Row(_reply, mails=1),
    ("POST", "/api/admin/inquiries/{inquiry_id}/close"): Row(_close, mails=0),
    ("POST", "/api/admin/newsletters"): Row(_newsletter_create, mails=0),
    ("PUT", "/api/admin/newsletters/{newsletter_id}"): Row(_newsletter_update, mails=0),
    ("DELETE", "/api/admin/newsletters/{newsletter_id}"): Row(_newsletter_delete, mails=0),
    ("POST", "/api/admin/newsletters/{newsletter_id}/test"): Row(_newsletter_test, mails=0),  # a refused test mail: 503 (sent again by hand)
    # the worker mails (test_newsletters.py); the audience's held messages are written before the newsletter becomes
    # sending: a refused send may leave them, inert on a draft, overwritten by the next send
    ("POST", "/api/admin/newsletters/{newsletter_id}/send"): Row(_newsletter_send, mails=0, resumable=True),
    ("POST", "/api/admin/newsletters/{newsletter_id}/resume"): Row(_newsletter_resume, mails=0),  # queueing after the commit: newsletter-dispatch finishes it
    ("POST", "/api/admin/newsletters/{newsletter_id}/redrive"): Row(_newsletter_redrive, mails=0),  # the audit entry first: refused, nothing moved
    ("POST", "/api/unsubscribe"): Row(_unsubscribe, mails=0),
    ("POST", "/api/auth/mfa/enrol"): Row(_mfa_enrol, mails=0),
    ("POST", "/api/auth/mfa/verify"): Row(_mfa_verify, mails=0, counts_first=True),
    ("POST", "/api/staff-invitations/confirm"): Row(_invitation_confirm, mails=0),
    ("POST", "/api/admin/staff"): Row(_staff_invite, mails=1),
    ("PUT", "/api/admin/staff/{staff_id}"): Row(_staff_update, mails=0),
    ("POST", "/api/admin/staff/{staff_id}/disable"): Row(_staff_action("disable"), mails=0),
    ("POST", "/api/admin/staff/{staff_id}/enable"): Row(_staff_action("enable"), mails=0),
    ("POST", "/api/admin/staff/{staff_id}/mfa-reset"): Row(_staff_action("mfa-reset"), mails=0),
    ("POST", "/api/admin/departments"): Row(_department_create, mails=0),
    ("PUT", "/api/admin/departments/{department_id}"): Row(_department_update, mails=0),
    ("DELETE", "/api/admin/departments/{department_id}"): Row(_department_delete, mails=0),
    ("POST", "/api/admin/member-imports"): Row(_import_create, mails=0),
    ("POST", "/api/admin/member-imports/{import_id}/validate"): Row(_import_validate, mails=0),
    ("POST", "/api/admin/member-imports/{import_id}/run"): Row(_import_run, mails=0),  # the worker mails the invitations
    ("POST", "/api/member-invitations/confirm"): Row(_member_invitation_confirm, mails=0),
    ("POST", "/api/admin/members/{member_id}/invitation"): Row(_member_invitation_resend, mails=1),
    ("POST", "/api/me/withdrawal"): Row(_withdrawal, mails=1),
    ("POST", "/api/admin/members/{member_id}/withdraw"): Row(_staff_withdraws, mails=1),
    ("POST", "/api/admin/members/{member_id}/erase"): Row(_erase, mails=0),
    ("POST", "/api/admin/members/{member_id}/suspend"): Row(_suspend, mails=1),
    ("POST", "/api/admin/members/{member_id}/reinstate"): Row(_reinstate, mails=1),
}


# the same routes once more where they touch the waiting list (キャンセル待ち): joining it, and the seat a
# cancel, a change away or a larger capacity frees going to its head in the same transaction (with a mail)
WAITLIST_ROWS: dict[tuple[str, ...], Row] = {
    ("POST", "/api/reservations", "waitlist join"): Row(_waitlist_join, mails=1, idempotent=True, key_in_transaction=True),
    ("DELETE", "/api/reservations/{reservation_id}", "promoting the head"): Row(_cancel_promoting, mails=2, promotes=True),
    ("PUT", "/api/reservations/{reservation_id}", "change away promoting the head"): Row(_change_away_promoting, mails=2, promotes=True),
    ("PUT", "/api/admin/offerings/{offering_id}/slots/{slot_id}", "capacity raise promoting the head"): Row(_raise_promoting, mails=1, promotes=True),
}
CASES: dict[tuple[str, ...], Row] = {**ROWS, **WAITLIST_ROWS}


def _ids(routes: list[tuple[str, ...]]) -> list[str]:
    return [" ".join(r) for r in routes]


def test_every_writing_route_has_a_row(discovered: tuple[Any, Any, Any]) -> None:
    _, routes, _ = discovered
    writing = {(r.method, r.path) for r in routes if r.method in UNSAFE}
    assert writing == set(ROWS), f"rows missing for {sorted(writing - set(ROWS))}; rows without a route: {sorted(set(ROWS) - writing)}"


@pytest.fixture
def ctx(env: Env, staff: Portal, member: Portal, monkeypatch: pytest.MonkeyPatch) -> Ctx:
    return Ctx(env, staff, member, monkeypatch)


# --- what every answer must be ------------------------------------------------------------------


def _ok(answer: Answer, what: str) -> None:
    assert 200 <= answer.status < 300, f"{what}: {answer.status} {answer.raw[:300]!r}"


def _refused(answer: Answer, status: int, code: str, what: str) -> None:
    assert answer.status == status, f"{what}: {answer.status} {answer.raw[:300]!r}"
    assert answer.error.get("code") == code, f"{what}: {answer.body}"
    assert JAPANESE.search(answer.error.get("message", "")), f"{what}: {answer.body}"
    if status == 503:
        assert int(answer.headers.get("Retry-After", "0")) >= 1, f"{what}: no Retry-After in {answer.headers}"


def _refused_and_nothing_written(c: Ctx, row: Row, fault: Callable[[], object], faults: wire.Faults, status: int, code: str, what: str) -> None:
    """Prepare a request (AWS behaving), then send it under `fault`: refused, nothing written; then it goes through."""
    call = row.make(c)
    fault()
    before, mails_before = wire.state(), wire.sent_mails()
    answer = call.send()
    refused = sum(faults.refused.values())
    faults.clear()
    _refused(answer, status, code, what)
    assert refused, f"{what}: the fault was never met"
    if not row.resumable:
        assert _state(row, wire.state()) == _state(row, before), f"{what}: half-written"
    assert wire.sent_mails() == mails_before, f"{what}: a mail went out for a refused request"
    again = call.send()  # AWS is back: the same request (same Idempotency-Key) goes through
    _ok(again, f"{what}, then again")
    call.then()


def _state(row: Row, state: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """The tables as the "nothing written" checks compare them: without the attempt counters of a row that counts first."""
    if not row.counts_first:
        return state
    return {**state, "table": [i for i in state["table"] if not i["PK"]["S"].startswith("LIMIT#")]}


def _without(items: list[dict[str, Any]], attribute: str) -> list[dict[str, Any]]:
    """The items without `attribute`: a staff delete's close (closing_at) that AWS refused to take back ends by
    itself after CLOSE_HOLDS_SECONDS, and a repeated delete goes through."""
    return sorted(({k: v for k, v in i.items() if k != attribute} for i in items), key=repr)


# --- the table ------------------------------------------------------------------------------------


@pytest.mark.parametrize("route", list(CASES), ids=_ids(list(CASES)))
def test_dynamodb_faults(ctx: Ctx, route: tuple[str, ...]) -> None:
    row = CASES[route]
    with wire.injected(ctx.monkeypatch) as faults:
        # transient throttling of every write (twice; the SDK retries up to 3 times): the SDK rides it out
        call = row.make(ctx)
        faults.dynamodb(error="ThrottlingException", times=2)
        faults.sent.clear()
        answer = call.send()
        _ok(answer, "transient ThrottlingException")
        assert faults.rules[0].hits == 2, "the transient fault was never met"
        used = set(faults.sent)
        writes = sum(n for op, n in faults.sent.items() if op.split(".")[1] in wire.WRITES) - 2
        call.then()
        faults.clear()

        # AWS refuses from the k-th write on (the writes before it went through): a success, or nothing written
        for k in range(1, writes):
            call = row.make(ctx)
            before = wire.state()
            faults.dynamodb(skip=k)
            answer = call.send()
            faults.clear()
            what = f"writes refused after the first {k}"
            if 200 <= answer.status < 300:
                call.then()
                continue
            _refused(answer, 503, "unavailable", what)
            after, kept = wire.state(), []
            if not row.resumable:
                assert _without(_state(row, after)["table"], "closing_at") == _without(_state(row, before)["table"], "closing_at"), f"{what}: half-written"
                kept = [i for i in after["idempotency"] if i not in before["idempotency"]]
                assert all(i["status"]["S"] == "INPROGRESS" for i in kept), f"{what}: idempotency record {kept}"
            again = call.send()
            if kept:  # the in-progress record of the refused run could not be removed either: it holds the key until it expires
                assert answer.headers.get("Retry-After") == "30", answer.headers
                _refused(again, 409, "idempotency_in_progress", f"{what}, repeated at once")
                _drop_idempotency_records()
                again = call.send()
            _ok(again, f"{what}, then again")
            call.then()

        if row.same_answer:
            # an unknown (or a registered) address writes nothing: refusing only the other would tell them apart
            call = row.make(ctx)
            before, mails_before = wire.state(), wire.sent_mails()
            faults.dynamodb()
            with wire.log_lines() as lines:
                answer = call.send()
            assert faults.rules[0].hits, "the fault was never met"
            faults.clear()
            _ok(answer, "persisting throttling, same answer")
            assert wire.state() == before and wire.sent_mails() == mails_before
            assert any("MAIL LOST" in line for line in lines) and not any("@" in line for line in lines), lines
            return
        # persisting throttling of every write (both tables): 503 + Retry-After, nothing written
        _refused_and_nothing_written(ctx, row, faults.dynamodb, faults, 503, "unavailable", "persisting ProvisionedThroughputExceededException")

        if "dynamodb.TransactWriteItems" not in used:
            return
        # transactions: cancelled by others' transactions or by throttling of one item
        call = row.make(ctx)
        faults.dynamodb(cancel="TransactionConflict", times=2)
        _ok(call.send(), "transient TransactionConflict")
        call.then()
        faults.clear()
        _refused_and_nothing_written(ctx, row, lambda: faults.dynamodb(cancel="TransactionConflict"), faults, 409, "busy", "persisting TransactionConflict")
        for reason in ("ThrottlingError", "ProvisionedThroughputExceeded"):
            _refused_and_nothing_written(
                ctx,
                row,
                lambda r=reason: faults.dynamodb(cancel=r),
                faults,
                503,
                "unavailable",
                f"persisting cancellation {reason}",  # type: ignore[misc]
            )


MAILING = [route for route, row in CASES.items() if row.mails]


@pytest.mark.parametrize("route", MAILING, ids=_ids(MAILING))
def test_ses_faults_never_fail_a_done_action(ctx: Ctx, route: tuple[str, ...]) -> None:
    row = CASES[route]
    with wire.injected(ctx.monkeypatch) as faults, wire.log_lines() as lines:
        # SES throttles once, then sends: the SDK's one retry for SES (netclub.aws), the mail goes out, nothing kept
        call = row.make(ctx)
        faults.ses("TooManyRequestsException", times=1)
        sent, kept = wire.sent_mails(), len(wire.outbox())
        _ok(call.send(), "transient SES throttling")
        assert faults.rules[0].hits == 1
        assert wire.sent_mails() > sent and len(wire.outbox()) == kept
        call.then()
        faults.clear()

        for error in ("TooManyRequestsException", "ServiceUnavailable", "InternalFailure", "LimitExceededException"):
            # SES keeps refusing: the action answers its success, the mail waits in the outbox
            call = row.make(ctx)
            faults.ses(error)
            sent, kept = wire.sent_mails(), len(wire.outbox())
            earlier = {m["SK"]["S"] for m in wire.outbox()}
            faults.slept.clear()
            _ok(call.send(), f"SES {error}")
            assert sum(faults.slept) <= 1, f"SES {error}: the request waited {faults.slept} for SES (the outbox retries, not the request)"
            assert wire.sent_mails() == sent
            waiting = wire.outbox()
            assert len(waiting) > kept, f"SES {error}: the mail was not kept"
            if row.promotes:  # the head's 繰り上げ mail, not only the acting member's own
                assert any(m["to"]["S"] == "faults-other@example.jp" for m in waiting if m["SK"]["S"] not in earlier), (
                    f"SES {error}: the promotion mail was lost"
                )
            new = [m for m in waiting if m["SK"]["S"] not in earlier]
            # the first mail SES refused carries its error; a later mail of the same request is not tried (the request
            # does not wait for SES again): it waits untried (attempts 0) for the retry's grace period
            assert [m["last_error"]["S"] for m in new if int(m["attempts"]["N"])] == [error], [(m["attempts"], m["last_error"]) for m in new]
            assert all(m["last_error"]["S"] == "" for m in new if not int(m["attempts"]["N"]))
            call.then()
            faults.clear()

        # SES unreachable: the mails were committed to the outbox with the action and wait there; nothing is lost,
        # and the log names no address
        call = row.make(ctx)
        faults.ses(connection=True)
        kept = len(wire.outbox())
        lines.clear()
        _ok(call.send(), "SES unreachable, the mail in the outbox")
        assert len(wire.outbox()) == kept + row.mails and not any("MAIL LOST" in line for line in lines)
        assert not any("@" in line for line in lines), [line for line in lines if "@" in line]
        call.then()


# --- a crash between the commit and the send ---------------------------------------------------------


class Crash(BaseException):
    """The process dies (the Lambda timed out, ran out of memory): not an Exception, so no handler catches it."""


def _mail_recorder(ctx: Ctx, module: Any, real: Callable[..., None], crash_at: int | None = None) -> list[tuple[str, str, str]]:
    """`module.deliver` records each mail SES takes (to, subject, body); with crash_at, the process dies at that
    send, before SES has it."""
    taken: list[tuple[str, str, str]] = []
    calls = itertools.count(1)

    def deliver(to: str, subject: str, body: str, reply_to: str | None = None) -> None:
        if next(calls) == crash_at:
            raise Crash()
        real(to, subject, body, reply_to)
        taken.append((to, subject, body))

    ctx.monkeypatch.setattr(module, "deliver", deliver)
    return taken


def _subjects(mails: list[tuple[str, str, str]]) -> Counter[str]:
    return Counter(re.sub(r"[0-9]+", "#", subject) for _, subject, _ in mails)


@pytest.mark.parametrize("route", MAILING, ids=_ids(MAILING))
def test_a_crash_between_the_commit_and_the_send_loses_no_mail(ctx: Ctx, route: tuple[str, ...]) -> None:
    """For each mail the action sends, the process dies at its send (after the commit): every mail the action
    promised and SES had not taken waits in the outbox; the retry leaves them to their writer for its grace
    period, then sends each exactly once: nothing lost, nothing twice."""
    from netclub import clock
    from netclub.mail import sender
    from netclub.services import mail_retry

    row = CASES[route]
    real = sender.deliver
    # what the action mails when nothing goes wrong, by subject (numbers masked: the addresses and the subject a
    # member typed differ from one request to the next)
    call = row.make(ctx)
    taken = _mail_recorder(ctx, sender, real)
    _ok(call.send(), "no crash")
    call.then()
    promised = _subjects(taken)
    assert sum(promised.values()) == row.mails, taken

    for crash_at in range(1, sum(promised.values()) + 1):
        call = row.make(ctx)
        assert wire.outbox() == [], "mails left in the outbox before the request"
        taken = _mail_recorder(ctx, sender, real, crash_at)
        with pytest.raises(Crash):
            call.send()
        call.then()  # the action was committed
        waiting = wire.outbox()
        what = f"crash at send {crash_at}"
        assert _subjects([("", m["subject"]["S"], "") for m in waiting]) == promised - _subjects(taken), f"{what}: a promised mail was lost"
        assert all(m["attempts"]["N"] == "0" for m in waiting)

        retried = _mail_recorder(ctx, mail_retry, real)
        assert ctx.env.invoke("MailRetryFunction", SCHEDULED_EVENT) == {"sent": 0, "failed": 0, "parked": 0}, f"{what}: taken from its writer at once"
        now = clock.now
        later = now() + dt.timedelta(seconds=mail_retry.FIRST_SEND_SECONDS + 60)
        ctx.monkeypatch.setattr(clock, "now", lambda later=later: later)
        assert ctx.env.invoke("MailRetryFunction", SCHEDULED_EVENT) == {"sent": len(waiting), "failed": 0, "parked": 0}, what
        assert ctx.env.invoke("MailRetryFunction", SCHEDULED_EVENT) == {"sent": 0, "failed": 0, "parked": 0}, what
        ctx.monkeypatch.setattr(clock, "now", now)
        every = taken + retried
        assert _subjects(every) == promised, f"{what}: {every}"
        assert len(set(every)) == len(every), f"{what}: a mail went out twice"
        assert wire.outbox() == []


# --- Idempotency-Key under faults -------------------------------------------------------------------


IDEMPOTENT = [route for route, row in CASES.items() if row.idempotent]


@pytest.mark.parametrize("route", IDEMPOTENT, ids=_ids(IDEMPOTENT))
def test_one_key_one_record_when_ses_and_the_outbox_fail(ctx: Ctx, route: tuple[str, ...]) -> None:
    """The issue's case: SES and the outbox both failing answered 500 twice and made two inquiries."""
    row = CASES[route]
    call = row.make(ctx)
    before = wire.state()
    with wire.injected(ctx.monkeypatch) as faults:
        faults.ses("ServiceUnavailable")
        faults.dynamodb("PutItem", partition="OUTBOX")
        first, again = call.send(), call.send()
    _ok(first, "first")
    _ok(again, "repeat with the same key")
    assert first.body["id"] == again.body["id"]
    created = [i for i in wire.state()["table"] if i not in before["table"]]
    assert _count_main_records(created, route) == 1


@pytest.mark.parametrize("route", IDEMPOTENT, ids=_ids(IDEMPOTENT))
def test_idempotency_table_throttled(ctx: Ctx, route: tuple[str, ...]) -> None:
    """Before the run: 503 and nothing done. After a committed run (its result not saved): success, and
    a repeat of the key once the in-progress record has expired still makes no second record."""
    from netclub.config import get_settings

    row = CASES[route]
    idem = get_settings().idempotency_table_name
    if row.key_in_transaction:
        _key_record_in_the_transaction(ctx, row, str(idem))
        return
    with wire.injected(ctx.monkeypatch) as faults:
        _refused_and_nothing_written(
            ctx, row, lambda: faults.dynamodb("PutItem", "GetItem", table=idem), faults, 503, "unavailable", "idempotency table throttled before the run"
        )

        call = row.make(ctx)
        faults.dynamodb("UpdateItem", table=idem)  # saving the result
        before = wire.state()["table"]
        first = call.send()
        faults.clear()
    _ok(first, "result not saved")
    # the in-progress record expires (30 s); here it is simply gone
    _drop_idempotency_records()
    again = call.send()
    _ok(again, "repeat after the in-progress record expired")
    assert again.body["id"] == first.body["id"], "the same key made a second record"
    created = [i for i in wire.state()["table"] if i not in before]
    assert _count_main_records(created, route) == 1


def _key_record_in_the_transaction(c: Ctx, row: Row, idem: str) -> None:
    """The key's record is written by the use case's transaction, never on its own: the idempotency table refusing
    that transaction's item refuses it all (503, nothing written in either table), and a repeat once AWS is back
    answers the first answer from the record, without touching the idempotency table outside the transaction."""
    with wire.injected(c.monkeypatch) as faults:
        _refused_and_nothing_written(
            c, row, lambda: faults.dynamodb("TransactWriteItems", cancel="ThrottlingError"), faults, 503, "unavailable", "the key's record refused"
        )
        call = row.make(c)
        before = wire.state()
        faults.refused.clear()
        faults.dynamodb("PutItem", "UpdateItem", "DeleteItem", "GetItem", table=idem)  # the idempotency table on its own: never used here
        first, again = call.send(), call.send()
        assert not sum(faults.refused.values()), f"the idempotency table was used outside the transaction: {faults.refused}"
    _ok(first, "first")
    assert (again.status, again.body) == (first.status, first.body), "a repeat answers the first answer"
    after = wire.state()
    assert len([i for i in after["idempotency"] if i not in before["idempotency"]]) == 1
    assert _count_main_records([i for i in after["table"] if i not in before["table"]], row_route(row)) == 1


def row_route(row: Row) -> tuple[str, ...]:
    return next(route for route, r in CASES.items() if r is row)


def _drop_idempotency_records() -> None:
    from moto.dynamodb.models import dynamodb_backends
    from netclub.config import get_settings

    from local.resources import ACCOUNT
    from local.stack import REGION

    table = dynamodb_backends[ACCOUNT][REGION].get_table(get_settings().idempotency_table_name)
    for item in list(table.all_items()):
        table.delete_item(item.hash_key, item.range_key)


def _count_main_records(created: list[dict[str, Any]], route: tuple[str, ...]) -> int:
    if route[1] == "/api/inquiries":
        return sum(1 for i in created if i["SK"]["S"].startswith("INQUIRY#"))
    if route[1] == "/api/directory/{company_id}/contact":
        return sum(1 for i in created if i["SK"]["S"].startswith("CONTACT#"))
    return sum(1 for i in created if i["SK"]["S"] == "RES")


# --- mail_retry itself -----------------------------------------------------------------------------


def test_mail_retry_under_faults(ctx: Ctx) -> None:
    from netclub.services import mail_retry

    with wire.injected(ctx.monkeypatch) as faults:
        faults.ses("ServiceUnavailable")
        for _ in range(3):
            assert ctx.visitor().post("/api/password-reset", {"email": DEMO[0], "email_confirm": DEMO[0]}).status == 202
        faults.clear()
        assert len(wire.outbox()) == 3, [(m["template"], m["SK"]) for m in wire.outbox()]

        # SES still throttling: the run stops at the second refusal in a row (one mail's trouble does not stop it;
        # two mails refused is SES's: no hammering), records both, never fails
        faults.ses("TooManyRequestsException")
        assert mail_retry.run() == {"sent": 0, "failed": 2, "parked": 0}
        assert faults.rules[0].hits == 4  # two mails: each the first attempt and the SDK's one retry for SES (max_attempts counts retries)
        assert sorted(int(m["attempts"]["N"]) for m in wire.outbox()) == [1, 2, 2]
        faults.clear()

        # SES back but the outbox throttled: reading it fails → nothing sent, the run ends quietly
        faults.dynamodb("Query", error="ProvisionedThroughputExceededException")
        assert mail_retry.run() == {"sent": 0, "failed": 0, "parked": 0}
        faults.clear()

        # SES back, removing from the outbox throttled: sent, kept listed (sent again later: better twice than never)
        sent = wire.sent_mails()
        faults.dynamodb("DeleteItem")
        assert mail_retry.run() == {"sent": 3, "failed": 0, "parked": 0}
        assert wire.sent_mails() == sent + 3 and len(wire.outbox()) == 3
        faults.clear()

        # SES refusing and recording the attempt throttled: the run still ends and reports it
        faults.ses("InternalFailure")
        faults.dynamodb("UpdateItem")
        assert mail_retry.run() == {"sent": 0, "failed": 2, "parked": 0}
        faults.clear()

        assert mail_retry.run() == {"sent": 3, "failed": 0, "parked": 0}
        assert wire.outbox() == []


def test_a_mail_ses_keeps_refusing_is_parked_and_never_holds_back_newer_mail(ctx: Ctx) -> None:
    """A mail SES refuses for itself (MessageRejected) is parked at once, one refused for an hour (MAX_ATTEMPTS
    runs) then too: out of the queue's head, listed for staff, `MAIL PARKED` logged for the alarm. An account-level
    refusal (sending paused) stops the run and counts against no mail."""
    from botocore.exceptions import ClientError
    from netclub import mail
    from netclub.services import mail_retry

    with wire.injected(ctx.monkeypatch) as faults:
        faults.ses("ServiceUnavailable")
        for to in ("rejected1@example.jp", "rejected2@example.jp", "flaky@example.jp", "fine@example.jp"):  # oldest first
            assert not mail.send(to, "registration_exists", login_link="https://portal.example/login", about="test")
        faults.clear()
    assert len(wire.outbox()) == 4
    sent: list[str] = []

    def ses(to: str, subject: str, body: str, reply_to: str | None = None) -> None:
        errors = {"rejected1@example.jp": "MessageRejected", "rejected2@example.jp": "MessageRejected", "flaky@example.jp": "InternalFailure"}
        if to in errors:
            raise ClientError({"Error": {"Code": errors[to], "Message": "refused"}, "ResponseMetadata": {"HTTPStatusCode": 400}}, "SendEmail")
        sent.append(to)

    ctx.monkeypatch.setattr(mail_retry, "deliver", ses)
    # the two rejected heads would block a run of 2 for ever: parked at once, so the next run reaches the others
    with wire.log_lines() as lines:
        assert mail_retry.run(limit=2) == {"sent": 0, "failed": 2, "parked": 2}
    assert sum("MAIL PARKED" in line for line in lines) == 2 and not any("@" in line for line in lines)
    assert mail_retry.run(limit=2) == {"sent": 1, "failed": 1, "parked": 0} and sent == ["fine@example.jp"]  # one mail's outage error: the next still tried
    # the flaky one: parked once it has been refused MAX_ATTEMPTS times
    for _ in range(mail_retry.MAX_ATTEMPTS - 3):
        assert mail_retry.run()["parked"] == 0
    assert mail_retry.run() == {"sent": 0, "failed": 1, "parked": 1} and wire.outbox() == []
    listed = ctx.staff.get("/api/admin/mail-outbox?parked=true").body["items"]
    assert sorted(m["to"] for m in listed) == ["flaky@example.jp", "rejected1@example.jp", "rejected2@example.jp"]
    assert {m["parked_reason"] for m in listed} == {"MessageRejected", f"{mail_retry.MAX_ATTEMPTS} attempts, last InternalFailure"}
    assert ctx.staff.get("/api/admin/mail-outbox").body["items"] == []

    # sending paused for the account: the run stops at once and nothing is counted against the mail
    with wire.injected(ctx.monkeypatch) as faults:
        faults.ses("ServiceUnavailable")
        assert not mail.send("later@example.jp", "registration_exists", login_link="https://portal.example/login", about="test")
        faults.clear()

    def paused(to: str, subject: str, body: str, reply_to: str | None = None) -> None:
        raise ClientError({"Error": {"Code": "SendingPausedException", "Message": "paused"}, "ResponseMetadata": {"HTTPStatusCode": 400}}, "SendEmail")

    ctx.monkeypatch.setattr(mail_retry, "deliver", paused)
    for _ in range(mail_retry.MAX_ATTEMPTS + 1):
        assert mail_retry.run() == {"sent": 0, "failed": 0, "parked": 0}
    (waiting,) = wire.outbox()
    assert int(waiting["attempts"]["N"]) == 1


# --- the authorizer's own bookkeeping ---------------------------------------------------------------


def test_a_throttled_session_touch_does_not_fail_the_request(ctx: Ctx) -> None:
    """The authorizer refreshes last_seen once a minute; AWS refusing that write costs nothing but the refresh."""
    from netclub import clock

    later = clock.now() + dt.timedelta(minutes=2)
    ctx.monkeypatch.setattr(clock, "now", lambda: later)
    with wire.injected(ctx.monkeypatch) as faults:
        faults.dynamodb("UpdateItem")
        answer = ctx.member.get("/api/me")
        assert faults.rules[0].hits, "the session was not touched"
    _ok(answer, "touch throttled")


@pytest.mark.parametrize("path", ["/api/reservations", "/api/inquiries", "/api/events?from=2026-11-01&to=2026-11-30", "/api/admin/members"])
def test_a_throttled_read_is_503_with_retry_after(ctx: Ctx, path: str) -> None:
    """Reads too: a Query still throttled after the SDK's retries is 503 + Retry-After in Japanese, never a 500."""
    who = ctx.staff if path.startswith("/api/admin/") else ctx.member
    with wire.injected(ctx.monkeypatch) as faults:
        faults.dynamodb("Query", error="ProvisionedThroughputExceededException")
        answer = who.get(path)
        assert faults.rules[0].hits == 4  # the first request and the SDK's 3 retries
    _refused(answer, 503, "unavailable", f"GET {path}")


def test_a_throttled_session_read_in_the_authorizer_is_503(ctx: Ctx) -> None:
    """The authorizer fails (its session read throttled past the SDK's retries): template.yaml's
    AUTHORIZER_FAILURE gateway response answers 503 + Retry-After in Japanese, as the local gateway does."""
    with wire.injected(ctx.monkeypatch) as faults:
        faults.dynamodb("BatchGetItem")  # the authorizer's one read: the session and its member together
        faults.sent.clear()
        answer = ctx.member.get("/api/me")
        assert faults.rules[0].hits, "the authorizer's read was never met"
        assert "dynamodb.GetItem" not in faults.sent, f"the route's own function ran: {dict(faults.sent)}"  # the gateway stopped at the authorizer
    _refused(answer, 503, "unavailable", "session read throttled")
