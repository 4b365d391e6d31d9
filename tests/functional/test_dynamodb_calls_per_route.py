"""DynamoDB calls of every route of template.yaml (issue 14), pinned: a use case that makes more calls fails here.

Each route is driven once as the member or staff would (the real authorizer and handler, moto as AWS; the
requests made to prepare it are not counted) and its DynamoDB requests are counted on the wire, the
authorizer's included. Writing routes are made as the fault matrix makes them (test_aws_faults.py's rows);
reading routes by READS below. A route added to template.yaml without a pinned count fails
`test_every_route_has_a_pinned_count`. `python -m benchmarks.route_calls` prints the whole table.

A count lower than its pin fails too: lower the pin in the same commit (and say why).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import Env, Portal
from tests.functional.dynamodb_calls import dynamodb_calls
from tests.functional.test_aws_faults import CASES, NEWSLETTER, Call, Ctx

_TOKYO_TODAY = dt.datetime.now(dt.timezone(dt.timedelta(hours=9))).date()
_MONTHS_OF_THE_DASHBOARD = len({_TOKYO_TODAY.isoformat()[:7], (_TOKYO_TODAY + dt.timedelta(days=13)).isoformat()[:7]})  # 1 or 2 Queries

READS: dict[tuple[str, ...], Callable[[Ctx], Call]] = {
    ("GET", "/api/me"): lambda c: Call(c.member, "GET", "/api/me"),
    ("GET", "/api/me/calendar-feed"): lambda c: Call(c.member, "GET", "/api/me/calendar-feed"),
    ("GET", "/api/calendar/{feed}"): lambda c: Call(c.visitor(), "GET", "/api/calendar/" + c.member.get("/api/me/calendar-feed").body["url"].rsplit("/", 1)[1]),
    ("GET", "/api/profile"): lambda c: Call(c.member, "GET", "/api/profile"),
    ("GET", "/api/profile/public-view"): lambda c: Call(c.member, "GET", "/api/profile/public-view"),
    ("GET", "/api/usage-history"): lambda c: Call(c.member, "GET", "/api/usage-history"),
    ("GET", "/api/industries"): lambda c: Call(c.visitor(), "GET", "/api/industries"),
    ("GET", "/api/events"): lambda c: Call(c.visitor(), "GET", "/api/events?from=2026-11-01&to=2026-11-30"),
    ("GET", "/api/events.ics"): lambda c: Call(c.visitor(), "GET", "/api/events.ics"),
    ("GET", "/api/videos"): lambda c: Call(c.visitor(), "GET", "/api/videos"),
    ("GET", "/api/notices"): lambda c: Call(c.member, "GET", "/api/notices"),
    ("GET", "/api/offerings"): lambda c: Call(c.member, "GET", f"/api/offerings?_={c.seminar()['id']}"),
    ("GET", "/api/offerings/{offering_id}"): lambda c: Call(c.member, "GET", f"/api/offerings/{c.seminar()['id']}"),
    ("GET", "/api/reservations"): lambda c: Call(c.member, "GET", f"/api/reservations?_={c.reservation()['id']}"),
    ("GET", "/api/reservations/{reservation_id}"): lambda c: Call(c.member, "GET", f"/api/reservations/{c.reservation()['id']}"),
    ("GET", "/api/reservations/{reservation_id}", "counselling"): lambda c: Call(c.member, "GET", f"/api/reservations/{_counselling(c)['id']}"),
    ("GET", "/api/reservations/{reservation_id}", "waitlisted"): lambda c: Call(c.other(), "GET", f"/api/reservations/{c.waiting()['waiting']['id']}"),
    ("GET", "/api/reservations/{reservation_id}/calendar.ics"): lambda c: Call(c.member, "GET", f"/api/reservations/{c.reservation()['id']}/calendar.ics"),
    ("GET", "/api/inquiry-kinds"): lambda c: Call(c.member, "GET", f"/api/inquiry-kinds?_={c.kind()}"),
    ("GET", "/api/inquiries"): lambda c: Call(c.member, "GET", f"/api/inquiries?_={c.inquiry()['id']}"),
    ("GET", "/api/inquiries/{inquiry_id}"): lambda c: Call(c.member, "GET", f"/api/inquiries/{c.inquiry()['id']}"),
    ("GET", "/api/directory"): lambda c: Call(c.member, "GET", f"/api/directory?_={c.company()}"),
    ("GET", "/api/directory/{company_id}"): lambda c: Call(c.member, "GET", f"/api/directory/{c.company()}"),
    ("GET", "/api/admin/dashboard"): lambda c: Call(c.staff, "GET", "/api/admin/dashboard"),
    ("GET", "/api/admin/audit-log"): lambda c: Call(c.staff, "GET", "/api/admin/audit-log"),
    ("GET", "/api/admin/members"): lambda c: Call(c.staff, "GET", f"/api/admin/members?status=pending_review&_={c.registered()}"),
    ("GET", "/api/admin/members/{member_id}"): lambda c: Call(c.staff, "GET", f"/api/admin/members/{c.registered()}"),
    ("GET", "/api/admin/exports/{export_id}"): lambda c: Call(c.staff, "GET", f"/api/admin/exports/{_export(c)}"),
    ("GET", "/api/admin/offerings/{offering_id}/lottery"): lambda c: Call(c.staff, "GET", f"/api/admin/offerings/{_counselling(c)['offering_id']}/lottery"),
    ("GET", "/api/admin/events"): lambda c: Call(c.staff, "GET", "/api/admin/events"),
    ("GET", "/api/admin/notices"): lambda c: Call(c.staff, "GET", "/api/admin/notices"),
    ("GET", "/api/admin/offerings"): lambda c: Call(c.staff, "GET", f"/api/admin/offerings?_={c.seminar()['id']}"),
    ("GET", "/api/admin/offerings/{offering_id}"): lambda c: Call(c.staff, "GET", f"/api/admin/offerings/{c.seminar()['id']}"),
    ("GET", "/api/admin/offerings/{offering_id}/reservations"): lambda c: Call(
        c.staff, "GET", f"/api/admin/offerings/{c.reservation()['offering']['id']}/reservations"
    ),
    ("GET", "/api/admin/inquiry-kinds"): lambda c: Call(c.staff, "GET", f"/api/admin/inquiry-kinds?_={c.kind()}"),
    ("GET", "/api/admin/inquiries"): lambda c: Call(c.staff, "GET", f"/api/admin/inquiries?_={c.inquiry()['id']}"),
    ("GET", "/api/admin/inquiries/{inquiry_id}"): lambda c: Call(c.staff, "GET", f"/api/admin/inquiries/{c.inquiry()['id']}"),
    ("GET", "/api/admin/mail-outbox"): lambda c: Call(c.staff, "GET", "/api/admin/mail-outbox"),
    ("GET", "/api/admin/newsletters"): lambda c: Call(c.staff, "GET", f"/api/admin/newsletters?_={c.created('/api/admin/newsletters', NEWSLETTER)}"),
    ("GET", "/api/admin/staff"): lambda c: Call(c.staff, "GET", f"/api/admin/staff?_={c.invited()[0]}"),
    ("GET", "/api/admin/departments"): lambda c: Call(c.staff, "GET", f"/api/admin/departments?_={c.created('/api/admin/departments', {'name': '経営相談'})}"),
    ("GET", "/api/admin/member-imports"): lambda c: Call(c.staff, "GET", f"/api/admin/member-imports?_={c.imported_file()}"),
    ("GET", "/api/admin/member-imports/{import_id}"): lambda c: Call(c.staff, "GET", f"/api/admin/member-imports/{c.imported_file()}"),
    ("GET", "/api/me/data-export"): lambda c: Call(c.member, "GET", "/api/me/data-export"),
    ("GET", "/api/unsubscribe"): lambda c: Call(c.visitor(), "GET", "/api/unsubscribe?token=abc"),
    ("GET", "/api/admin/members", "会員検索"): lambda c: Call(c.staff, "GET", "/api/admin/members?q=NC-000123"),
    ("GET", "/api/admin/inquiries", "a staff member's desk"): lambda c: Call(_desk_staff(c), "GET", f"/api/admin/inquiries?_={c.inquiry()['id']}"),
    ("GET", "/api/admin/newsletters/{newsletter_id}"): lambda c: Call(
        c.staff, "GET", f"/api/admin/newsletters/{c.created('/api/admin/newsletters', NEWSLETTER)}"
    ),
}


def _export(c: Ctx) -> str:
    """名簿出力 started and built by the worker (ExportWorkerFunction given its message): its id."""
    import json

    started = c.staff.post("/api/admin/exports", {"kind": "members"})
    assert started.status == 202, started.body
    answer = c.env.invoke("ExportWorkerFunction", {"Records": [{"messageId": "m1", "body": json.dumps({"export_id": started.body["export_id"]})}]})
    assert answer == {"batchItemFailures": []}, answer
    return str(started.body["export_id"])


def _desk_staff(c: Ctx) -> Any:
    """A staff member (not an admin) of a department: their desk reads which kinds are another department's."""
    department = c.created("/api/admin/departments", {"name": "助成金"})
    client, _ = c.new_staff(departments=[department])
    return client


def _counselling(c: Ctx) -> dict[str, Any]:
    from tests.functional.reservation_helpers import offering

    o = offering(c.staff, kind="counseling", capacities=(1, 1))
    made = c.member.post("/api/reservations", {"offering_id": o["id"], "preferences": [s["id"] for s in o["slots"]]})
    assert made.status == 201, made.body
    return dict(made.body)


ROUTES: dict[tuple[str, ...], Callable[[Ctx], Call]] = {**{route: row.make for route, row in CASES.items()}, **READS}

# DynamoDB calls per route, the authorizer's included (one BatchGetItem: the session and its member).
# A route that mails writes each mail to the outbox in its own transaction (no call more) and, once SES took
# it, removes it from the outbox: one DeleteItem per mail sent (mail/sender.py send_kept).
CALLS: dict[tuple[str, ...], int] = {
    # 2段階認証 (services/mfa.py): the token, the account, the attempt counted, then the session with the code accepted
    ("POST", "/api/auth/mfa/enrol"): 3,
    ("POST", "/api/auth/mfa/verify"): 4,
    ("POST", "/api/staff-invitations/confirm"): 3,  # the token, the account, the password set with the token used
    ("GET", "/api/admin/staff"): 2,
    ("POST", "/api/admin/staff"): 4,  # the address free?, then the account, its invitation (token and mail) and the audit entry; the mail out
    ("PUT", "/api/admin/staff/{staff_id}"): 3,
    ("POST", "/api/admin/staff/{staff_id}/disable"): 4,  # + the account's sessions (a Query), ended in the same transaction
    ("POST", "/api/admin/staff/{staff_id}/enable"): 3,
    ("POST", "/api/admin/staff/{staff_id}/mfa-reset"): 4,
    ("GET", "/api/admin/departments"): 2,
    ("POST", "/api/admin/departments"): 2,
    ("PUT", "/api/admin/departments/{department_id}"): 3,
    ("DELETE", "/api/admin/departments/{department_id}"): 4,  # + the kinds: is it still some kind's department?
    ("GET", "/api/admin/inquiries", "a staff member's desk"): 3,  # + the kinds: which are another department's (an admin's: 2)
    ("POST", "/api/auth/login"): 3,  # the attempt counted, the EMAIL# item with its login projection, the session
    ("POST", "/api/auth/logout"): 2,
    ("PUT", "/api/me/password"): 5,
    ("POST", "/api/password-reset"): 5,
    ("POST", "/api/password-reset/confirm"): 5,
    ("POST", "/api/registrations"): 4,
    ("POST", "/api/registrations/confirm"): 3,
    ("PUT", "/api/profile"): 6,
    ("POST", "/api/profile/email/confirm"): 4,
    ("POST", "/api/inquiries"): 8,
    ("POST", "/api/attachments"): 2,
    ("POST", "/api/directory/{company_id}/contact"): 8,
    ("POST", "/api/reservations"): 4,
    ("PUT", "/api/reservations/{reservation_id}"): 5,
    ("DELETE", "/api/reservations/{reservation_id}"): 5,
    ("POST", "/api/me/calendar-feed/rotate"): 3,
    ("POST", "/api/admin/members/{member_id}/approve"): 4,
    ("PUT", "/api/admin/members/{member_id}/profile"): 3,
    ("POST", "/api/admin/events"): 2,
    ("PUT", "/api/admin/events/{event_id}"): 3,
    ("DELETE", "/api/admin/events/{event_id}"): 3,
    ("POST", "/api/admin/videos"): 2,
    ("PUT", "/api/admin/videos/{video_id}"): 3,
    ("DELETE", "/api/admin/videos/{video_id}"): 2,
    # 会員データ移行 (services/member_import.py): the worker's calls are measured by benchmarks/member_import.py
    ("GET", "/api/admin/member-imports"): 2,
    ("POST", "/api/admin/member-imports"): 2,
    ("GET", "/api/admin/member-imports/{import_id}"): 2,  # the import and its errors: one BatchGetItem
    ("POST", "/api/admin/member-imports/{import_id}/validate"): 4,  # the import, its status changed, the answer's read
    ("POST", "/api/admin/member-imports/{import_id}/run"): 4,
    ("POST", "/api/member-invitations/confirm"): 3,  # the token, the member, the password with the session and the token used
    ("POST", "/api/admin/members/{member_id}/invitation"): 4,  # + the mail out of the outbox once SES took it
    # 個人情報 (services/withdrawal.py, my_data.py, erasure.py)
    # the member, its reservations (to cancel the future ones), its feed, its sessions, then one transaction, and
    # the mail out of the outbox once SES took it
    ("POST", "/api/me/withdrawal"): 7,
    ("POST", "/api/admin/members/{member_id}/withdraw"): 7,
    ("POST", "/api/admin/members/{member_id}/erase"): 6,  # (withdrawn already) its partition, its reservations, one transaction
    ("GET", "/api/me/data-export"): 5,
    ("GET", "/api/unsubscribe"): 0,  # a redirect to the confirmation page: nothing read, nothing changed
    ("POST", "/api/admin/members/{member_id}/suspend"): 5,  # authorizer, the member, its sessions, one transaction, the mail out of the outbox
    ("POST", "/api/admin/members/{member_id}/reinstate"): 4,
    (
        "GET",
        "/api/admin/members",
        "会員検索",
    ): 1,  # the authorizer's only: the index is an S3 object kept in memory  # its partition, reservations, 利用履歴, audit entries about it
    ("POST", "/api/admin/notices"): 2,
    ("PUT", "/api/admin/notices/{notice_id}"): 3,
    ("DELETE", "/api/admin/notices/{notice_id}"): 2,
    ("POST", "/api/admin/offerings"): 2,
    ("PUT", "/api/admin/offerings/{offering_id}"): 3,
    ("DELETE", "/api/admin/offerings/{offering_id}"): 4,
    ("POST", "/api/admin/offerings/{offering_id}/slots"): 3,
    ("PUT", "/api/admin/offerings/{offering_id}/slots/{slot_id}"): 4,
    ("DELETE", "/api/admin/offerings/{offering_id}/slots/{slot_id}"): 5,
    ("POST", "/api/admin/offerings/{offering_id}/lottery"): 3,  # the offering, the draw begun; LotteryWorkerFunction draws
    ("POST", "/api/admin/reservations/{reservation_id}/attendance"): 3,
    ("POST", "/api/admin/exports"): 2,  # the job with its audit entry (one transaction); the worker's calls: benchmarks/export_members.py
    ("POST", "/api/admin/inquiry-kinds"): 2,
    ("PUT", "/api/admin/inquiry-kinds/{kind_id}"): 3,
    ("DELETE", "/api/admin/inquiry-kinds/{kind_id}"): 2,
    ("POST", "/api/admin/inquiries/{inquiry_id}/reply"): 6,
    ("POST", "/api/admin/inquiries/{inquiry_id}/close"): 5,
    ("POST", "/api/admin/newsletters"): 4,
    ("PUT", "/api/admin/newsletters/{newsletter_id}"): 5,
    ("DELETE", "/api/admin/newsletters/{newsletter_id}"): 3,
    ("POST", "/api/admin/newsletters/{newsletter_id}/test"): 4,
    # authorizer, the newsletter, the audience (2 genres), the held messages, the start; then queueing them:
    # the held page, its removal, off newsletter-dispatch's list (a crash anywhere after the start loses nothing)
    ("POST", "/api/admin/newsletters/{newsletter_id}/send"): 9,
    ("POST", "/api/admin/newsletters/{newsletter_id}/redrive"): 3,  # authorizer, the newsletter, its audit entry
    ("POST", "/api/admin/newsletters/{newsletter_id}/resume"): 6,  # authorizer, the newsletter, resume + audit; queueing (3)
    ("POST", "/api/unsubscribe"): 3,
    ("POST", "/api/reservations", "waitlist join"): 4,
    ("DELETE", "/api/reservations/{reservation_id}", "promoting the head"): 7,  # two mails: each out of the outbox once sent
    ("PUT", "/api/reservations/{reservation_id}", "change away promoting the head"): 8,  # two mails, as above
    ("PUT", "/api/admin/offerings/{offering_id}/slots/{slot_id}", "capacity raise promoting the head"): 8,
    ("GET", "/api/me"): 2,
    ("GET", "/api/me/calendar-feed"): 3,
    ("GET", "/api/calendar/{feed}"): 2,
    ("GET", "/api/profile"): 2,
    ("GET", "/api/profile/public-view"): 2,
    ("GET", "/api/usage-history"): 3,
    ("GET", "/api/industries"): 0,
    ("GET", "/api/events"): 2,  # the month of events, the month of the slot index (a BatchGetItem of the offerings when it has open dates)
    ("GET", "/api/events.ics"): 13,
    ("GET", "/api/videos"): 1,
    ("GET", "/api/notices"): 2,
    ("GET", "/api/offerings"): 2,
    ("GET", "/api/offerings/{offering_id}"): 2,
    ("GET", "/api/reservations"): 2,
    ("GET", "/api/reservations/{reservation_id}"): 2,  # the reservation with the offering and slot its id names: one BatchGetItem
    ("GET", "/api/reservations/{reservation_id}", "counselling"): 3,
    ("GET", "/api/reservations/{reservation_id}", "waitlisted"): 3,  # + its place in the list
    ("GET", "/api/reservations/{reservation_id}/calendar.ics"): 2,  # the reservation with the slot its id names
    ("GET", "/api/inquiry-kinds"): 2,
    ("GET", "/api/inquiries"): 2,
    ("GET", "/api/inquiries/{inquiry_id}"): 2,
    ("GET", "/api/directory"): 1,  # the requester's status comes with the authorizer's read
    ("GET", "/api/directory/{company_id}"): 3,  # + the directory item and its company
    ("GET", "/api/admin/dashboard"): 3 + _MONTHS_OF_THE_DASHBOARD + 1,  # counts, the slots' months, authorizer (no slots: no titles)
    ("GET", "/api/admin/audit-log"): 25,
    ("GET", "/api/admin/members"): 2,
    ("GET", "/api/admin/members/{member_id}"): 2,
    ("GET", "/api/admin/exports/{export_id}"): 2,
    (
        "GET",
        "/api/admin/offerings/{offering_id}/lottery",
    ): 2,  # the offering's partition: one consistent Query  # the job (GetItem); the link is signed, no call
    ("GET", "/api/admin/events"): 2,
    ("GET", "/api/admin/notices"): 2,
    ("GET", "/api/admin/offerings"): 2,
    ("GET", "/api/admin/offerings/{offering_id}"): 2,
    ("GET", "/api/admin/offerings/{offering_id}/reservations"): 2,
    ("GET", "/api/admin/inquiry-kinds"): 2,
    ("GET", "/api/admin/inquiries"): 2,
    ("GET", "/api/admin/inquiries/{inquiry_id}"): 4,
    ("GET", "/api/admin/mail-outbox"): 2,
    ("GET", "/api/admin/newsletters"): 2,
    ("GET", "/api/admin/newsletters/{newsletter_id}"): 4,
}


@pytest.fixture
def ctx(env: Env, staff: Portal, member: Portal, monkeypatch: pytest.MonkeyPatch) -> Ctx:
    return Ctx(env, staff, member, monkeypatch)


def test_every_route_has_a_pinned_count(discovered: tuple[Any, Any, Any]) -> None:
    _, routes, _ = discovered
    every = {(r.method, r.path) for r in routes}
    pinned = {route[:2] for route in ROUTES}
    assert every == pinned, f"routes without a pinned count: {sorted(every - pinned)}; pins without a route: {sorted(pinned - every)}"
    assert set(CALLS) == set(ROUTES), f"no count pinned for {sorted(set(ROUTES) - set(CALLS), key=str)}"


@pytest.mark.parametrize("route", list(ROUTES), ids=[" ".join(r) for r in ROUTES])
def test_dynamodb_calls_of_the_route(ctx: Ctx, route: tuple[str, ...]) -> None:
    call = ROUTES[route](ctx)
    with dynamodb_calls() as calls:
        answer = call.send()
    assert 200 <= answer.status < 300 or (answer.status == 303 and route == ("GET", "/api/unsubscribe")), (answer.status, answer.raw[:300])
    total = sum(calls.values())
    if os.environ.get("NETCLUB_CALLS_FILE"):  # benchmarks/route_calls.py collects the table (also from xdist workers)
        with open(os.environ["NETCLUB_CALLS_FILE"], "a", encoding="utf-8") as out:
            out.write(f"{' '.join(route)}\t{answer.status}\t{total}\t{dict(sorted(calls.items()))}\t{CALLS.get(route)}\n")
    assert total == CALLS.get(route), f"{' '.join(route)}: {total} DynamoDB calls {dict(calls)}, pinned {CALLS.get(route)}"
