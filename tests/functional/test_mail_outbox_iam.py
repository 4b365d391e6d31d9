"""With SES down, every function that sends mail keeps it in the outbox, and IAM allows that.

On AWS each mail is written to the outbox in the transaction of the action that causes it, sent after the
commit, and then removed from the outbox (or, refused, its attempt recorded there), so each such function
needs `dynamodb:PutItem`, `UpdateItem` and `DeleteItem` on the outbox's partition as well as
`ses:SendEmail`. moto grants everything; here every function's calls are checked against template.yaml
(local/iam.py, enforced by the `aws` fixture), and SES refuses every SendEmail (after IAM has seen it, as
AWS would check IAM before answering). The walk goes through every route that sends mail; each step must
succeed and leave its mail in the outbox. Then the scheduled retry sends them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest

from local import cfn, iam
from tests.conftest import DEMO, SCHEDULED_EVENT, STAFF, Env, Portal
from tests.functional.reservation_helpers import PASSWORD, offering


@pytest.fixture
def ses_down(env: Env, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """While state["down"], every SESv2 SendEmail is checked by IAM, then refused as during an SES outage."""
    import botocore.client
    from botocore.exceptions import ClientError

    state: dict[str, Any] = {"down": True, "refused": []}
    inner = botocore.client.BaseClient._make_api_call

    def outage(self: Any, operation: str, params: dict[str, Any]) -> Any:
        if operation == "SendEmail" and state["down"]:
            recorder = iam.current()
            assert recorder is not None
            recorder.check(self.meta.service_model.service_name, operation, params, self.meta.region_name)
            state["refused"].append(params["Destination"]["ToAddresses"][0])
            raise ClientError({"Error": {"Code": "ServiceUnavailable", "Message": "SES is unavailable"}}, operation)
        return inner(self, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", outage)
    yield state


def _outbox() -> list[dict[str, Any]]:
    from netclub.store import outbox

    return outbox.pending(limit=1000)


def _link(to: str, path: str) -> str:
    for mail in _outbox():
        found = re.search(re.escape(path) + r"\?token=([A-Za-z0-9_\-%]+)", mail["body"])
        if mail["to"] == to and found:
            return found.group(1)
    raise AssertionError(f"no mail to {to} with a {path} link in the outbox")


def _outbox_writes(recorder: iam.Recorder) -> dict[str, int]:
    return {fn: sum(n for (action, _, kinds), n in calls.items() if action == "dynamodb:PutItem" and kinds == "OUTBOX") for fn, calls in recorder.used.items()}


def _mail_sending_functions() -> set[str]:
    template = cfn.load()
    return {
        name for name, res in cfn.resources_of_type(template, "AWS::Serverless::Function").items() if "ses:SendEmail" in str(res["Properties"].get("Policies"))
    }


def test_every_mail_sending_function_keeps_its_mail_when_ses_is_down(
    env: Env, staff: Portal, member: Portal, ses_down: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = iam.current()
    assert recorder is not None
    before = _outbox_writes(recorder)

    def step(answer: Any, status: int) -> Any:
        assert answer.status == status, answer.body
        return answer.body

    kept = len(_outbox())

    def one_more_kept() -> None:
        nonlocal kept
        now = len(_outbox())
        assert now > kept, "the mail was neither sent nor kept"
        kept = now

    visitor = env.new_client()
    # 新規会員登録: the verification mail, then the received mail; staff approval: the approval mail
    step(visitor.post("/api/registrations", {"email": "outbox@example.jp", "email_confirm": "outbox@example.jp"}), 202)
    one_more_kept()
    profile = {"corporate_type": "founder", "company_name": "創業花子", "user": {"name": "創業花子"}}
    token = _link("outbox@example.jp", "/register/confirm")
    body = {"token": token, "password": PASSWORD, "password_confirm": PASSWORD, "profile": profile}
    created = step(visitor.post("/api/registrations/confirm", body), 201)
    one_more_kept()
    step(staff.post(f"/api/admin/members/{created['member_id']}/approve"), 200)
    one_more_kept()
    newcomer = env.new_client()
    step(newcomer.login("outbox@example.jp", PASSWORD), 200)
    # パスワード変更, then パスワード再設定 (request and confirm)
    fresh = "Fresh#2026pass"
    step(newcomer.put("/api/me/password", {"current_password": PASSWORD, "new_password": fresh, "new_password_confirm": fresh}), 204)
    one_more_kept()
    step(visitor.post("/api/password-reset", {"email": "outbox@example.jp", "email_confirm": "outbox@example.jp"}), 202)
    one_more_kept()
    reset = {"token": _link("outbox@example.jp", "/password-reset/confirm"), "new_password": PASSWORD, "new_password_confirm": PASSWORD}
    step(visitor.post("/api/password-reset/confirm", reset), 204)
    one_more_kept()
    step(newcomer.login("outbox@example.jp", PASSWORD), 200)
    # 商談申込 to the demo company (published by the seed): relayed to its address, Reply-To the newcomer's
    from netclub.store import accounts

    demo_company = (accounts.get_member(env.accounts["member"]) or {})["company_id"]
    step(newcomer.post(f"/api/directory/{demo_company}/contact", {"subject": "商談のご相談", "message": "御社の加工について伺いたく存じます。"}), 202)
    one_more_kept()
    # My情報: an address change (verification mail), its confirmation (notice to the old address)
    view = step(newcomer.get("/api/profile"), 200)
    view.pop("pending_email", None)
    view["user"]["email"] = "outbox.new@example.jp"
    step(newcomer.put("/api/profile", view), 200)
    one_more_kept()
    step(visitor.post("/api/profile/email/confirm", {"token": _link("outbox.new@example.jp", "/profile/email/confirm")}), 200)
    one_more_kept()
    # staff change the address on a member's profile: the notice
    detail = step(staff.get(f"/api/admin/members/{created['member_id']}"), 200)
    changed = {**detail["profile"], "user": {**detail["profile"]["user"], "email": "outbox.staff@example.jp"}}
    step(staff.put(f"/api/admin/members/{created['member_id']}/profile", changed), 200)
    one_more_kept()
    # お問い合わせ and the staff reply
    kind = step(staff.post("/api/admin/inquiry-kinds", {"name": "経営相談", "description": "説明"}), 201)["id"]
    inquiry = step(member.post("/api/inquiries", {"kind_id": kind, "content": "販路について相談したい。"}), 201)
    one_more_kept()
    step(staff.post(f"/api/admin/inquiries/{inquiry['id']}/reply", {"body": "ご回答いたします。"}), 200)
    one_more_kept()
    # セミナー予約, 変更, 取消
    seminar = offering(staff)
    booked = step(member.post("/api/reservations", {"offering_id": seminar["id"], "slot_id": seminar["slots"][0]["id"]}), 201)
    one_more_kept()
    step(member.put(f"/api/reservations/{booked['id']}", {"slot_id": seminar["slots"][1]["id"]}), 200)
    one_more_kept()
    step(member.delete(f"/api/reservations/{booked['id']}"), 200)
    one_more_kept()
    # 前日リマインド: the day-before mail, kept in the outbox in the transaction of its marker, its send failed
    tomorrow = offering(staff, capacities=(3,), apply_days=1, slot_days=1)
    step(member.post("/api/reservations", {"offering_id": tomorrow["id"], "slot_id": tomorrow["slots"][0]["id"]}), 201)
    one_more_kept()
    assert env.invoke("RemindersFunction", SCHEDULED_EVENT)["kept_for_retry"] == 1
    one_more_kept()
    # キャンセル待ち: a member waits on a full slot; staff raise its capacity: the promotion mail (AdminSlotsManageFunction)
    full = offering(staff, capacities=(1,))
    slot = full["slots"][0]
    seated = env.new_client()
    step(seated.login("outbox.staff@example.jp", PASSWORD), 200)  # the newcomer, at the address staff gave it
    step(seated.post("/api/reservations", {"offering_id": full["id"], "slot_id": slot["id"]}), 201)
    waiting = step(member.post("/api/reservations", {"offering_id": full["id"], "slot_id": slot["id"], "waitlist": True}), 201)
    assert waiting["status"] == "waitlisted"
    kept = len(_outbox())
    raised = {k: slot[k] for k in ("date", "start_time", "end_time", "place")} | {"capacity": 2}
    step(staff.put(f"/api/admin/offerings/{full['id']}/slots/{slot['id']}", raised), 200)
    one_more_kept()
    # カウンセリング抽選: the result mail
    counselling = offering(staff, kind="counseling", capacities=(1,), apply_days=1, slot_days=5)
    step(member.post("/api/reservations", {"offering_id": counselling["id"], "preferences": [counselling["slots"][0]["id"]]}), 201)
    one_more_kept()
    from netclub import clock

    later = clock.now() + dt.timedelta(days=2)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert staff.login(*STAFF).status == 200
    step(staff.post(f"/api/admin/offerings/{counselling['id']}/lottery", {"seed": 1}), 202)
    from tests.functional.queues import poller

    assert poller(env, "LotteryMapping").poll() == 1  # LotteryWorkerFunction draws and mails
    one_more_kept()

    # 職員を招待: the invitation mail (AdminStaffManageFunction)
    step(staff.post("/api/admin/staff", {"email": "invited.staff@example.jp", "name": "招待花子", "role": "staff", "departments": []}), 201)
    one_more_kept()
    # the first administrator of a new deployment (StaffFirstAdminFunction): as if no admin existed yet
    from netclub.store import dynamo, keys

    dynamo.delete(*keys.active_admins())
    assert env.invoke("StaffFirstAdminFunction", {"email": "first.admin@example.jp", "name": "初代管理者"})["outcome"] == "invited"
    one_more_kept()

    # 会員データ移行 with the invitations (MemberImportWorkerFunction), then a resend (AdminMembersInvitationFunction)
    _migrate_one(env, staff, "outbox.migrated@example.jp")
    one_more_kept()
    migrated = dynamo.get(*keys.email("outbox.migrated@example.jp"))
    assert migrated
    step(staff.post(f"/api/admin/members/{migrated['member_id']}/invitation"), 202)
    one_more_kept()

    # 退会: by the member (MeWithdrawalFunction), by staff (AdminMembersWithdrawFunction), and 削除請求 of an active
    # member (AdminMembersEraseFunction withdraws first): 「退会手続き完了のお知らせ」 waits in the outbox
    from local import seed

    for n, how in enumerate(("self", "staff", "erase")):
        leaving = seed._member(f"outbox.leave{n}@example.jp", PASSWORD, "member", f"退会{n}株式会社", f"退会{n}", {"company_name": f"退会{n}株式会社"})
        accounts.create_member(leaving)
        if how == "self":
            client = env.new_client()
            step(client.login(f"outbox.leave{n}@example.jp", PASSWORD), 200)
            step(client.post("/api/me/withdrawal", {"password": PASSWORD}), 200)
        else:
            step(staff.post(f"/api/admin/members/{leaving['member_id']}/{'withdraw' if how == 'staff' else 'erase'}", {}), 200)
        one_more_kept()

    # 利用停止 and 再開 (AdminMembersSuspendFunction): each mail waits in the outbox
    paused = seed._member("outbox.paused@example.jp", PASSWORD, "member", "停止株式会社", "停止", {"company_name": "停止株式会社"})
    accounts.create_member(paused)
    step(staff.post(f"/api/admin/members/{paused['member_id']}/suspend", {"reason": "確認中"}), 200)
    one_more_kept()
    step(staff.post(f"/api/admin/members/{paused['member_id']}/reinstate"), 200)
    one_more_kept()

    # every function that may send mail was made to fall back to the outbox above, and IAM allowed it
    after = _outbox_writes(recorder)
    fell_back = {fn for fn, count in after.items() if count > before.get(fn, 0)}
    # newsletters are not kept in the outbox: the worker's refused sends stay on its queue (test_newsletters.py),
    # and a refused test mail answers 503 (the staff member sends it again)
    newsletters = {"AdminNewslettersSendFunction", "NewsletterWorkerFunction"}
    assert _mail_sending_functions() - {"MailRetryFunction"} - newsletters == fell_back
    assert DEMO[0] in ses_down["refused"] and not env.mails(DEMO[0])

    # SES is back: the scheduled retry sends every kept mail
    ses_down["down"] = False
    result = env.invoke("MailRetryFunction", SCHEDULED_EVENT)
    assert result == {"sent": kept, "failed": 0, "parked": 0}
    assert _outbox() == []
    assert any("お問い合わせ" in m["subject"] for m in env.mails(DEMO[0]))
    relayed = [m for m in env.mails(DEMO[0]) if m["subject"].startswith("【Net Club 商談申込】")]
    assert [m["headers"] for m in relayed] == [{"Reply-To": "outbox@example.jp"}]  # the retry keeps the Reply-To


def _migrate_one(env: Env, staff: Portal, address: str) -> None:
    """A one-row migration CSV uploaded, validated and imported with its invitation, the worker given each message."""
    import json

    from netclub.aws import client
    from netclub.config import get_settings

    from tests.member_files import csv_bytes, row

    data = csv_bytes([row(1, **{"メールアドレス": address})])
    made = staff.post("/api/admin/member-imports", {"filename": "kaiin.csv", "size": len(data)})
    assert made.status == 201, made.body
    client("s3").put_object(Bucket=get_settings().attachments_bucket, Key=made.body["upload"]["fields"]["key"], Body=data)
    import_id = made.body["import_id"]
    for request, message in (("validate", {"phase": "validate"}), ("run", {"phase": "run", "chunk": 0})):
        assert staff.post(f"/api/admin/member-imports/{import_id}/{request}", {"send_invitations": True}).status == 202
        answer = env.invoke("MemberImportWorkerFunction", {"Records": [{"messageId": request, "body": json.dumps({"import_id": import_id, **message})}]})
        assert answer == {"batchItemFailures": []}, answer
