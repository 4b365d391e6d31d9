"""職員管理: staff accounts invited by mail, their roles and departments, 停止/再開, 2段階認証のリセット,
and the first administrator of a new deployment.

Every change is one transaction with its audit entry (who did it, by name). A change that makes or
unmakes an active admin changes the count of active admins in the same transaction, on the condition
that one is left (409 last_admin), so two admins demoting each other at once cannot leave none.
"""

from __future__ import annotations

from netclub import clock, ids, mail
from netclub.config import get_settings
from netclub.errors import Conflict, FieldError, InvalidToken, NotFound, ValidationFailed
from netclub.models.staff import FirstAdminRequest, FirstAdminResult, StaffInvitationConfirm, StaffInvite, StaffList, StaffMember, StaffUpdate
from netclub.services import audit, departments, passwords, sessions, tokens
from netclub.store import accounts, outbox
from netclub.store import staff as store
from netclub.store.dynamo import ConditionFailed, TransactOp
from netclub.store.items import MemberItem, OutboxItem

INVITE_PURPOSE = "staff-invite"
INVITE_PATH = "/staff/invite"
LAST_ADMIN = "有効な管理者がいなくなるため、この操作はできません。先に別の職員を管理者にしてください。"
EMAIL_TAKEN = "このメールアドレスはすでに登録されています。"
ORGANISATION = "公益財団法人東京都中小企業振興公社"


def _view(item: MemberItem) -> StaffMember:
    return StaffMember(
        staff_id=str(item["member_id"]),
        email=str(item["email"]),
        name=str(item.get("user_name", "")),
        role=item["role"],
        departments=[str(d) for d in item.get("departments") or []],
        status=item["status"],
        mfa_enrolled=bool(item.get("mfa_enrolled")),
        last_login_at=item.get("last_login_at"),
        created_at=item.get("created_at"),
    )


def list_staff() -> StaffList:
    return StaffList(items=[_view(i) for i in store.list_all()])


def _actor(actor_name: str) -> dict[str, str]:
    """The audit entry's detail: who did it, by name (the entry's actor_id is their id)."""
    return {"actor_name": actor_name}


def _load(staff_id: str) -> MemberItem:
    item = store.get(staff_id)
    if not item:
        raise NotFound("職員が見つかりません。")
    return item


class ChangedMeanwhile(Conflict):
    """The account changed since it was read (another admin's change): reload and try again."""


def _admin_delta(before: MemberItem, role: str, status: str) -> int:
    was = before.get("role") == "admin" and before.get("status") == "active"
    will = role == "admin" and status == "active"
    return int(will) - int(was)


def _commit(operations: list[TransactOp], delta: int) -> None:
    """The change (with its audit entry) and, when it makes or unmakes an active admin, the count: all or nothing."""
    counted = [store.admins_changed_op(delta)] if delta else []
    try:
        store.transact([*counted, *operations])
    except ConditionFailed as exc:
        if counted and exc.reasons[:1] == ["ConditionalCheckFailed"]:
            raise Conflict(LAST_ADMIN, code="last_admin") from None
        raise ChangedMeanwhile() from None


def _invitation(staff: MemberItem) -> tuple[str, list[TransactOp]]:
    return tokens.issue_ops(INVITE_PURPOSE, str(staff["member_id"]), INVITE_PATH, ttl_seconds=get_settings().staff_invitation_hours * 3600)


def _invitation_mail(staff: MemberItem, link: str) -> OutboxItem:
    """The invitation's mail for the outbox: written with its token, sent after the commit (mail.send_kept)."""
    return mail.compose(str(staff["email"]), "staff_invitation", about=f"staff:{staff['member_id']}", staff_name=staff.get("user_name", ""), link=link)


def _new_staff(email: str, name: str, role: str, department_ids: list[str]) -> MemberItem:
    now = clock.iso()
    return {
        "member_id": ids.new_id(),
        "email": email.strip().lower(),
        "role": role,
        "status": "invited",
        "company_name": ORGANISATION,
        "user_name": name,
        "departments": department_ids,
        "mfa_enrolled": False,
        "created_at": now,
        "updated_at": now,
    }


def invite(actor_id: str, actor_name: str, request: StaffInvite) -> StaffMember:
    """職員を招待: the account (招待中) and a mailed link to set its password (72 hours, single use)."""
    department_ids = departments.checked_ids(request.departments)
    if accounts.member_id_for_email(request.email):
        raise ValidationFailed([FieldError("email", EMAIL_TAKEN)])
    staff = _new_staff(request.email, request.name, request.role, department_ids)
    link, token_ops = _invitation(staff)
    invitation = _invitation_mail(staff, link)
    entry = audit.op(actor_id, "staff.invite", f"staff:{staff['member_id']}", {**_actor(actor_name), "role": request.role})
    try:
        store.transact([*store.create_ops(staff), *token_ops, entry, outbox.put_op(invitation)])
    except ConditionFailed:
        raise ValidationFailed([FieldError("email", EMAIL_TAKEN)]) from None
    mail.send_kept(invitation)
    return _view(staff)


def confirm_invitation(request: StaffInvitationConfirm) -> None:
    """職員招待: the invited person sets a password (the member password rules); the first login then enrols
    the second factor."""
    token_ops, token = tokens.redeem(request.token, INVITE_PURPOSE, InvalidToken(INVITATION_INVALID))
    staff = store.get(str(token["subject"]))
    if not staff or staff.get("status") != "invited":
        raise InvalidToken(INVITATION_INVALID)
    errors = passwords.check_new(request.password, request.password_confirm, email=str(staff["email"]), field="password", confirm_field="password_confirm")
    if errors:
        raise ValidationFailed(errors)
    now = clock.iso()
    entry = audit.op(str(staff["member_id"]), "staff.activate", f"staff:{staff['member_id']}", {"actor_name": staff.get("user_name", "")})
    try:
        _commit(
            [*store.activate_ops(staff, passwords.hash_password(request.password), now), *token_ops, entry], _admin_delta(staff, str(staff["role"]), "active")
        )
    except ChangedMeanwhile:  # used (or the account changed) meanwhile
        raise InvalidToken(INVITATION_INVALID) from None


INVITATION_INVALID = "この招待リンクは無効か、有効期限（72時間）が切れています。管理者に招待の再送を依頼してください。"


def update(actor_id: str, actor_name: str, staff_id: str, request: StaffUpdate) -> StaffMember:
    before = _load(staff_id)
    department_ids = departments.checked_ids(request.departments)
    now = clock.iso()
    detail = {**_actor(actor_name), "role": request.role, "departments": department_ids}
    entry = audit.op(actor_id, "staff.update", f"staff:{staff_id}", detail)
    _commit([*store.update_ops(before, request.name, request.role, department_ids, now), entry], _admin_delta(before, request.role, str(before["status"])))
    return _view({**before, "user_name": request.name, "role": request.role, "departments": department_ids})


def disable(actor_id: str, actor_name: str, staff_id: str) -> StaffMember:
    """停止: the account's sessions end at once (the authorizer refuses a disabled account's session; they are
    deleted too), and it cannot log in."""
    before = _load(staff_id)
    if before["status"] == "disabled":
        return _view(before)
    revoke, later = sessions.revoke_ops(staff_id)
    entry = audit.op(actor_id, "staff.disable", f"staff:{staff_id}", _actor(actor_name))
    _commit([*store.set_status_ops(before, "disabled", clock.iso()), entry, *revoke], _admin_delta(before, str(before["role"]), "disabled"))
    for digest in later:
        accounts.delete_session(digest)
    return _view({**before, "status": "disabled"})


def enable(actor_id: str, actor_name: str, staff_id: str) -> StaffMember:
    """再開: active again (招待中 again if the invitation was never accepted)."""
    before = _load(staff_id)
    if before["status"] != "disabled":
        return _view(before)
    status = "active" if before.get("password_hash") else "invited"
    entry = audit.op(actor_id, "staff.enable", f"staff:{staff_id}", _actor(actor_name))
    _commit([*store.set_status_ops(before, status, clock.iso()), entry], _admin_delta(before, str(before["role"]), status))
    return _view({**before, "status": status})


def reset_mfa(actor_id: str, actor_name: str, staff_id: str) -> StaffMember:
    """2段階認証をリセット: the next login enrols again; the account's sessions end."""
    before = _load(staff_id)
    revoke, later = sessions.revoke_ops(staff_id)
    entry = audit.op(actor_id, "staff.mfa_reset", f"staff:{staff_id}", _actor(actor_name))
    _commit([store.reset_mfa_op(before, clock.iso()), entry, *revoke], 0)
    for digest in later:
        accounts.delete_session(digest)
    return _view({**before, "mfa_enrolled": False})


def first_admin(request: FirstAdminRequest) -> FirstAdminResult:
    """The first administrator of a new deployment: an invitation, only while no active admin exists.
    Run by whoever deployed, with their AWS credentials (`make first-admin`); no API route reaches it.
    Asked again for the same address before it was accepted, it sends a new link (the old one stops)."""
    if store.active_admins() > 0:
        return FirstAdminResult(outcome="refused", message="有効な管理者がすでにいます。職員の追加は、管理者が職員管理画面から招待してください。")
    existing_id = accounts.member_id_for_email(request.email)
    existing = store.get(existing_id) if existing_id else None
    if existing_id and not (existing and existing.get("role") == "admin" and existing.get("status") == "invited"):
        return FirstAdminResult(outcome="refused", message="このメールアドレスは、すでに別のアカウントで使われています。")
    staff = existing.copy() if existing else _new_staff(request.email, request.name, "admin", [])
    link, token_ops = _invitation(staff)
    invitation = _invitation_mail(staff, link)
    entry = audit.op("system", "staff.first_admin", f"staff:{staff['member_id']}", {"actor_name": "初期設定コマンド (make first-admin)"})
    creation = [] if existing else store.create_ops(staff)
    try:
        store.transact([store.no_active_admin_op(), *creation, *token_ops, entry, outbox.put_op(invitation)])
    except ConditionFailed:
        return FirstAdminResult(outcome="refused", message="有効な管理者がすでにいるか、同時に別の初期設定が行われました。")
    mail.send_kept(invitation)
    return FirstAdminResult(
        outcome="invited", message=f"{staff['email']} に招待メールを送信しました（リンクの有効期限は72時間）。", staff_id=str(staff["member_id"])
    )
