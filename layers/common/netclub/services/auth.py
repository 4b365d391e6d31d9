"""Login, logout, who am I, password change."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from netclub import clock, mail
from netclub.access import STAFF_ROLES
from netclub.errors import Busy, FieldError, Forbidden, InvalidCredentials, NotFound, ValidationFailed
from netclub.models.auth import LoginRequest, Me, MfaChallenge, PasswordChangeRequest
from netclub.services import mfa, passwords, sessions, throttle
from netclub.store import accounts, dynamo, outbox
from netclub.store.dynamo import ConditionFailed


@dataclass(frozen=True)
class LoggedIn:
    me: Me | None  # None for staff: the second factor comes first (challenge)
    session: sessions.NewSession | None
    device_token: str | None  # a new device cookie's value: this browser is now known to the account (services/throttle.py)
    challenge: MfaChallenge | None = None  # a staff account's second step (services/mfa.py): no session yet


DISABLED_MESSAGE = "このアカウントは停止されています。管理者にお問い合わせください。"


def me_of(member: Mapping[str, Any]) -> Me:
    return Me(
        member_id=member["member_id"],
        email=member["email"],
        company_name=member.get("company_name", ""),
        user_name=member.get("user_name", ""),
        status=member["status"],
        role=member.get("role", "member"),
    )


def login(request: LoginRequest, source_ip: str, device_token: str | None = None) -> LoggedIn:
    """The attempt is allowed and counted before the password is evaluated (throttle.begin); a failure
    leaves it counted, a success settles it in the session's own transaction.

    The credentials are read from the address's EMAIL# item (its login projection: store/accounts.py), or from
    the member item when that item has none yet; the session is written only with a check that the member item
    still has what was used (else the member item is read and the check made again, once)."""
    attempt = throttle.begin(request.email, source_ip, device_token)
    record = accounts.login_record(request.email)
    projected = bool(record) and accounts.has_login_projection(record or {})
    member = record if projected else accounts.get_member(str(record["member_id"]), consistent=True) if record else None
    if member and not projected and str(member.get("email", "")).lower() != request.email.strip().lower():
        member = None  # the address is no longer the member's (changed since the EMAIL# item was read)
    if not member or not member.get("password_hash"):  # unknown, or a staff invitation not yet accepted
        passwords.burn_time(request.password)
        raise InvalidCredentials()
    member_id = str(member["member_id"])
    verified = None
    for _ in range(2):
        if member["password_hash"] != verified:
            if not passwords.verify(member["password_hash"], request.password):
                raise InvalidCredentials()
            verified = member["password_hash"]
        if member["status"] == "suspended":
            raise Forbidden("このアカウントは利用停止中です。公社までお問い合わせください。")
        if member["status"] == "disabled":
            raise Forbidden(DISABLED_MESSAGE)
        settle, new_device = throttle.success_ops(attempt, member_id)
        checks = [accounts.login_guard_op(member)] + ([] if projected else [accounts.login_repair_op(request.email, member)])
        try:
            if member.get("role") in STAFF_ROLES:  # no session before the second factor
                account = accounts.get_member(member_id, consistent=True) or {}
                challenge = mfa.challenge(account)
                dynamo.transact([*checks, *settle, *challenge.operations])
                return LoggedIn(me=None, session=None, device_token=new_device, challenge=MfaChallenge(mfa=challenge.state, mfa_token=challenge.token))
            session = sessions.create(member_id, member.get("role", "member"), also=[*checks, *settle])
            return LoggedIn(me=me_of(member), session=session, device_token=new_device)
        except ConditionFailed as exc:
            first = 0 if member.get("role") in STAFF_ROLES else 1  # a member's transaction begins with its session
            if "ConditionalCheckFailed" not in exc.reasons[first : first + len(checks)]:
                raise
        # changed since it was read (a stale or moved projection): the member item itself, checked again
        member, projected = accounts.get_member(member_id, consistent=True), False
        if not member or str(member.get("email", "")).lower() != request.email.strip().lower():
            raise InvalidCredentials()
    raise Busy()


def me(member_id: str) -> Me:
    member = accounts.get_member(member_id)
    if not member:
        raise NotFound()
    return me_of(member)


def change_password(member_id: str, session_id: str, request: PasswordChangeRequest) -> None:
    member = accounts.get_member(member_id, consistent=True)
    if not member:
        raise NotFound()
    errors: list[FieldError] = []
    if not passwords.verify(member["password_hash"], request.current_password):
        errors.append(FieldError("current_password", "現在のパスワードが正しくありません。"))
    errors += passwords.check_new(request.new_password, request.new_password_confirm, email=member["email"])
    if not errors and request.new_password == request.current_password:
        errors.append(FieldError("new_password", "現在のパスワードと同じパスワードは設定できません。"))
    if errors:
        raise ValidationFailed(errors)
    # the new password, the other sessions' end and the notice (outbox) in one transaction: never one without the others
    revoke, later = sessions.revoke_ops(member_id, keep_session_id=session_id)
    notice = mail.compose(member["email"], "password_changed", about=f"member:{member_id}", user_name=member.get("user_name", ""), at=clock.jst_text())
    new_hash = passwords.hash_password(request.new_password)
    dynamo.transact([*accounts.set_password_ops(member_id, member["email"], new_hash, clock.iso()), *revoke, outbox.put_op(notice)])
    for digest in later:
        accounts.delete_session(digest)
    mail.send_kept(notice)
