"""会員データ移行 (docs/deploy.md "Going live: bringing the old system's members over"): the old system's CSV uploaded, validated, imported through MemberImportQueue
(the local stack's poller, moto's SQS), invitations and ご利用開始, re-runs, conflicts, retries."""

from __future__ import annotations

from typing import Any

import pytest
from netclub.store import dynamo, keys

from tests.conftest import Env, Portal
from tests.member_files import HEADER, csv_bytes, row


class ImportQueue:
    def __init__(self, env: Env) -> None:
        import boto3

        from local import cfn, event_sources, stack
        from local.resources import physical_names

        template = cfn.load()
        resolver = cfn.Resolver(template, physical_names(template, stack.PREFIX), {"Stage": "local"}, stack.REGION, stack.ACCOUNT)
        self.sqs = boto3.client("sqs", region_name=stack.REGION)
        pollers = event_sources.queue_pollers(template, resolver, self.sqs, stack.REGION, env.invoke)
        (self.poller,) = [p for p in pollers if p.mapping.name == "MemberImportMapping"]

    def drain(self) -> int:
        return self.poller.poll()


@pytest.fixture
def queue(env: Env) -> ImportQueue:
    return ImportQueue(env)


def _upload(staff: Portal, data: bytes, filename: str = "kaiin.csv") -> str:
    from netclub.aws import client
    from netclub.config import get_settings

    created = staff.post("/api/admin/member-imports", {"filename": filename, "size": len(data)})
    assert created.status == 201, created.body
    fields = created.body["upload"]["fields"]
    assert fields["key"] == f"imports/{created.body['import_id']}.csv"
    client("s3").put_object(Bucket=get_settings().attachments_bucket, Key=fields["key"], Body=data, ContentType="text/csv")
    return str(created.body["import_id"])


def _validated(staff: Portal, queue: ImportQueue, data: bytes) -> dict[str, Any]:
    import_id = _upload(staff, data)
    answer = staff.post(f"/api/admin/member-imports/{import_id}/validate")
    assert answer.status == 202 and answer.body["status"] == "validating", answer.body
    queue.drain()
    state = staff.get(f"/api/admin/member-imports/{import_id}").body
    assert state["status"] == "validated", state
    return dict(state)


def _run(staff: Portal, queue: ImportQueue, import_id: str, invite: bool = False) -> dict[str, Any]:
    answer = staff.post(f"/api/admin/member-imports/{import_id}/run", {"send_invitations": invite})
    assert answer.status == 202 and answer.body["status"] == "importing", answer.body
    queue.drain()
    return dict(staff.get(f"/api/admin/member-imports/{import_id}").body)


def _member_of(address: str) -> dict[str, Any]:
    found = dynamo.get(*keys.email(address))
    assert found, address
    member = dynamo.get(*keys.member(str(found["member_id"])))
    assert member
    return member


def _active_count() -> int:
    return dynamo.count(keys.members_by_status("active"), index="GSI1")


def test_a_cp932_file_validates_without_writing_then_imports_with_invitations(env: Env, staff: Portal, queue: ImportQueue) -> None:
    rows = [row(n) for n in range(1, 6)]
    rows.append(row(6, **{"郵便番号": "12-345"}))  # a format the profile's model refuses
    rows.append(row(7, **{"メールマガジン配信": "たぶん", "入会日": "2020/13/40"}))  # two values the CSV's reading refuses
    rows.append(row(8, **{"担当者氏名": ""}))  # a rule of My情報 (利用者名 is required)
    before = _active_count()
    state = _validated(staff, queue, csv_bytes(rows))
    assert state["encoding"] == "Shift_JIS (cp932)" and state["rows"] == 8 and state["valid"] == 5
    problems = {(e["row"], e["column"]) for e in state["errors"]}
    assert problems == {(6, "郵便番号"), (7, "メールマガジン配信"), (7, "入会日"), (8, "担当者氏名")}, state["errors"]
    assert all(e["message"] for e in state["errors"]) and state["error_count"] == 4
    assert _active_count() == before and dynamo.get(*keys.email("member000001@migrated.example")) is None  # 検証 writes no member

    done = _run(staff, queue, state["import_id"], invite=True)
    assert done["status"] == "done" and (done["created"], done["updated"], done["invited"], done["processed"]) == (5, 0, 5, 5), done
    assert _active_count() == before + 5
    member = _member_of("member000003@migrated.example")
    assert member["status"] == "active" and "password_hash" not in member
    assert member["staff_fields"] == {"member_number": "NC000003", "joined_on": "2003-04-04", "note": "旧システムから移行\n行3, 確認済み"}
    profile = member["profile"]
    assert profile["postal_code"] == "101-0021" and profile["phone"] == "03-1234-5678" and profile["industry"] == {"major": "E", "middle": "09"}
    assert profile["company_name_kana"] == "カブシキガイシャテストセイサクショ" and profile["user"]["name_kana"] == "タントウ ハナコ"
    assert profile["capital_thousand_yen"] == 10000 and profile["subscriptions"]["mail_magazine_genres"] == ["e_argus", "netclub_magazine"]
    consent = dynamo.get(*keys.news_consent(str(member["member_id"])))
    assert consent and consent["history"][-1]["via"] == "import" and consent["genres"] == ["netclub_magazine", "e_argus"], (
        consent
    )  # 特定電子メール法: how it was obtained
    assert dynamo.get(*keys.news_genre("e_argus", str(member["member_id"])))  # in the audience

    # the invitation: a /welcome link; the member sets a password and is signed in
    (mail,) = [m for m in env.mails("member000003@migrated.example") if "ご利用開始" in m["subject"]]
    assert mail["subject"] == "【企業Myポータル】ご利用開始のご案内" and "14日以内" in mail["body"] and "NC000003" in mail["body"]
    token = env.link_token("member000003@migrated.example", "/welcome")
    visitor = env.new_client()
    assert visitor.post("/api/auth/login", {"email": "member000003@migrated.example", "password": "Welcome#2026pw"}).status == 401
    weak = visitor.post("/api/member-invitations/confirm", {"token": token, "password": "short", "password_confirm": "short"})
    assert weak.status == 400 and "password" in weak.field_messages()
    confirmed = visitor.post("/api/member-invitations/confirm", {"token": token, "password": "Welcome#2026pw", "password_confirm": "Welcome#2026pw"})
    assert confirmed.status == 204 and "netclub_session=" in confirmed.headers.get("Set-Cookie", "")
    me = visitor.get("/api/me")
    assert me.status == 200 and me.body["email"] == "member000003@migrated.example" and me.body["company_name"] == "株式会社テスト製作所3"
    again = env.new_client().post("/api/member-invitations/confirm", {"token": token, "password": "Other#2026pw", "password_confirm": "Other#2026pw"})
    assert again.status == 400 and again.error["code"] == "invalid_token" and "14日" in again.error["message"]
    assert env.new_client().login("member000003@migrated.example", "Welcome#2026pw").status == 200


def test_the_same_file_twice_updates_and_never_doubles(staff: Portal, queue: ImportQueue) -> None:
    rows = [row(n) for n in range(1, 4)]
    first = _run(staff, queue, _validated(staff, queue, csv_bytes(rows))["import_id"])
    assert (first["created"], first["updated"]) == (3, 0)
    count = _active_count()
    rows[1]["企業名"] = "株式会社名称変更後"
    rows[2]["メールアドレス"] = "changed000003@migrated.example"  # the old system has a new address for NC000003
    second_state = _validated(staff, queue, csv_bytes(rows, encoding="utf-8", bom=True))
    assert second_state["encoding"] == "UTF-8 (BOM付き)" and second_state["valid"] == 3
    second = _run(staff, queue, second_state["import_id"])
    assert (second["created"], second["updated"], second["status"]) == (0, 3, "done") and _active_count() == count
    assert _member_of("member000002@migrated.example")["company_name"] == "株式会社名称変更後"
    moved = _member_of("changed000003@migrated.example")
    assert moved["staff_fields"]["member_number"] == "NC000003" and dynamo.get(*keys.email("member000003@migrated.example")) is None


def test_an_address_of_another_member_number_is_a_reported_conflict(staff: Portal, queue: ImportQueue) -> None:
    _run(staff, queue, _validated(staff, queue, csv_bytes([row(1), row(2)]))["import_id"])
    clash = row(9, **{"メールアドレス": "member000001@migrated.example"})
    twice = [row(3), row(3, **{"メールアドレス": "other@migrated.example"}), row(4, **{"メールアドレス": "member000003@migrated.example"})]
    staff_address = row(5, **{"メールアドレス": "staff@netclub.example"})
    state = _validated(staff, queue, csv_bytes([clash, *twice, staff_address]))
    messages = {(e["row"], e["column"]): e["message"] for e in state["errors"]}
    assert "会員番号 NC000001" in messages[(1, "メールアドレス")]
    assert "2行目と重複" in messages[(3, "会員番号")] and "NC000003" in messages[(4, "メールアドレス")]
    assert "職員" in messages[(5, "メールアドレス")]
    assert state["valid"] == 1  # only row 2 (NC000003)
    assert _member_of("member000001@migrated.example")["staff_fields"]["member_number"] == "NC000001"  # not overwritten


def test_the_file_and_its_header_are_checked(staff: Portal, queue: ImportQueue) -> None:
    bad_header = _validated(staff, queue, csv_bytes([row(1)], header=[*HEADER[:-1], "FAX番号"]))
    assert bad_header["valid"] == 0 and bad_header["errors"] == [
        {"row": 0, "column": "", "message": "列「FAX番号」は取り込めません（列名が正しいか確認してください）。"}
    ]
    refused = staff.post(f"/api/admin/member-imports/{bad_header['import_id']}/run", {"send_invitations": False})
    assert refused.status == 409 and refused.error["code"] == "nothing_to_import"
    missing = _validated(staff, queue, csv_bytes([row(1)], header=[h for h in HEADER if h != "会員番号"]))
    assert "必須の列「会員番号」がありません。" in {e["message"] for e in missing["errors"]}
    # not text at all: failed, with the reason
    import_id = _upload(staff, bytes(range(128, 256)) * 4)
    assert staff.post(f"/api/admin/member-imports/{import_id}/validate").status == 202
    queue.drain()
    failed = staff.get(f"/api/admin/member-imports/{import_id}").body
    assert failed["status"] == "failed" and "文字コード" in failed["failed_message"]
    # too large, or not uploaded yet
    assert staff.post("/api/admin/member-imports", {"filename": "big.csv", "size": 20 * 1024 * 1024 + 1}).status == 413
    pending = staff.post("/api/admin/member-imports", {"filename": "k.csv", "size": 10}).body["import_id"]
    not_there = staff.post(f"/api/admin/member-imports/{pending}/validate")
    assert not_there.status == 409 and not_there.error["code"] == "not_uploaded"
    assert staff.post(f"/api/admin/member-imports/{pending}/run", {"send_invitations": False}).status == 409


def test_a_chunk_that_fails_midway_is_retried_without_doubling(staff: Portal, queue: ImportQueue, monkeypatch: pytest.MonkeyPatch) -> None:
    from netclub.services import member_import

    monkeypatch.setattr(member_import, "CHUNK_ROWS", 4)
    state = _validated(staff, queue, csv_bytes([row(n) for n in range(1, 11)]))  # 3 chunks: 4 + 4 + 2
    real = dynamo.transact
    calls = {"n": 0}

    def flaky(operations: Any, token: Any = None) -> None:
        calls["n"] += 1
        if calls["n"] == 6:  # the 2nd row of the 2nd chunk: the worker stops there
            raise RuntimeError("worker lost")
        real(operations, token)

    monkeypatch.setattr(dynamo, "transact", flaky)
    before = _active_count()
    staff.post(f"/api/admin/member-imports/{state['import_id']}/run", {"send_invitations": True})
    queue.drain()
    midway = staff.get(f"/api/admin/member-imports/{state['import_id']}").body
    assert midway["status"] == "importing" and queue.poller.failed == 1
    assert queue.poller.redeliver_now() == 1 and queue.drain() == 1
    done = staff.get(f"/api/admin/member-imports/{state['import_id']}").body
    assert done["status"] == "done" and (done["created"], done["invited"], done["processed"]) == (10, 10, 10), done
    assert _active_count() == before + 10


def test_staff_resend_the_invitation_and_only_the_latest_link_works(env: Env, staff: Portal, queue: ImportQueue) -> None:
    _run(staff, queue, _validated(staff, queue, csv_bytes([row(1)]))["import_id"], invite=True)
    address = "member000001@migrated.example"
    first = env.link_token(address, "/welcome")
    member_id = str(_member_of(address)["member_id"])
    sent = staff.post(f"/api/admin/members/{member_id}/invitation")
    assert sent.status == 202 and sent.body["member_id"] == member_id
    links = [m for m in env.mails(address) if "ご利用開始" in m["subject"]]
    assert len(links) == 2
    old = env.new_client().post("/api/member-invitations/confirm", {"token": first, "password": "Welcome#2026pw", "password_confirm": "Welcome#2026pw"})
    assert old.status == 400 and old.error["code"] == "invalid_token"
    import re

    tokens = {m.group(1) for m in (re.search(r"/welcome\?token=([A-Za-z0-9_\-%]+)", mail["body"]) for mail in links) if m}
    (latest,) = tokens - {first}
    ok = env.new_client().post("/api/member-invitations/confirm", {"token": latest, "password": "Welcome#2026pw", "password_confirm": "Welcome#2026pw"})
    assert ok.status == 204
    assert staff.post(f"/api/admin/members/{member_id}/invitation").status == 409  # a password is set: 「パスワードが不明な方」 instead


def test_the_mail_cap_of_an_address_does_not_hold_back_its_invitation(env: Env, staff: Portal, queue: ImportQueue) -> None:
    address = "member000001@migrated.example"
    visitor = env.new_client()
    for _ in range(4):  # the address's hourly cap (3) is spent by someone asking for registrations to it
        visitor.post("/api/registrations", {"email": address, "email_confirm": address})
    capped = len(env.mails(address))
    assert capped == 3
    _run(staff, queue, _validated(staff, queue, csv_bytes([row(1)]))["import_id"], invite=True)
    assert [m for m in env.mails(address) if m["subject"] == "【企業Myポータル】ご利用開始のご案内"]


def test_only_admins_migrate(env: Env, member: Portal, queue: ImportQueue) -> None:
    assert member.get("/api/admin/member-imports").status == 403
    assert member.post("/api/admin/member-imports", {"filename": "k.csv", "size": 10}).status == 403


def test_trade_areas_and_processing_map_onto_the_lists_and_an_unlisted_value_is_reported(staff: Portal, queue: ImportQueue) -> None:
    """お取引エリア・加工分類 (issue 27): the old system's free text as the list value it means; a value that means none
    is refused by name (never dropped), also one a member had stored before the lists."""
    header = [*HEADER, "お取引エリア", "加工分類"]
    rows = [
        row(1, **{"お取引エリア": "東京都、関東地方,関東", "加工分類": "ﾌﾟﾚｽ加工／めっき\n組み立て"}),
        row(2, **{"お取引エリア": "中国・四国", "加工分類": ""}),
        row(3, **{"お取引エリア": "中国"}),  # 中国地方 or China: not guessed
    ]
    state = _validated(staff, queue, csv_bytes(rows, header=header))
    assert state["valid"] == 2 and [(e["row"], e["column"]) for e in state["errors"]] == [(3, "お取引エリア")], state["errors"]
    assert "「中国」は選択肢にありません" in state["errors"][0]["message"] and "東京都内、関東" in state["errors"][0]["message"]
    assert _run(staff, queue, state["import_id"])["created"] == 2
    first = _member_of("member000001@migrated.example")["profile"]
    assert first["trade_areas"] == ["東京都内", "関東"] and first["processing_categories"] == ["プレス", "メッキ", "組立"]
    assert _member_of("member000002@migrated.example")["profile"]["trade_areas"] == ["中国・四国"]

    # a member whose profile was stored before the lists: re-imported without the columns, the row goes in and
    # the stored values stay (mapped where they can be; 「多摩地区」 kept as written for the member to choose again)
    member = _member_of("member000002@migrated.example")
    dynamo.put({**member, "profile": {**member["profile"], "trade_areas": ["東京", "多摩地区"], "processing_categories": ["プレス加工"]}})
    kept = _validated(staff, queue, csv_bytes([row(2, **{"住所": "東京都大田区南蒲田2-16-1"})]))
    assert kept["valid"] == 1 and kept["errors"] == [], kept["errors"]
    assert _run(staff, queue, kept["import_id"])["updated"] == 1
    profile = _member_of("member000002@migrated.example")["profile"]
    assert profile["address"] == "東京都大田区南蒲田2-16-1"
    assert profile["trade_areas"] == ["東京都内", "多摩地区"] and profile["processing_categories"] == ["プレス"]
    # the file's own column is checked as always
    refused = _validated(staff, queue, csv_bytes([row(2, **{"お取引エリア": "多摩地区"})], header=[*HEADER, "お取引エリア"]))
    assert [(e["row"], e["column"]) for e in refused["errors"]] == [(1, "お取引エリア")] and "「多摩地区」" in refused["errors"][0]["message"]
    chosen = _validated(staff, queue, csv_bytes([row(2, **{"お取引エリア": "東京都内、関東"})], header=[*HEADER, "お取引エリア"]))
    assert chosen["valid"] == 1 and _run(staff, queue, chosen["import_id"])["updated"] == 1
    profile = _member_of("member000002@migrated.example")["profile"]
    assert profile["trade_areas"] == ["東京都内", "関東"] and profile["processing_categories"] == ["プレス"]  # the stored one mapped
