"""Login, logout, who am I, password change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from netclub import clock, mail
from netclub.errors import FieldError, Forbidden, InvalidCredentials, NotFound, ValidationFailed
from netclub.models.auth import LoginRequest, Me, PasswordChangeRequest
from netclub.services import passwords, sessions, throttle
from netclub.store import accounts, dynamo


@dataclass(frozen=True)
class LoggedIn:
    me: Me
    session: sessions.NewSession
    device_token: str | None  # a new device cookie's value: this browser is now known to the account (services/throttle.py)


def me_of(member: dict[str, Any]) -> Me:
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
    leaves it counted, a success settles it in the session's own transaction."""
    attempt = throttle.begin(request.email, source_ip, device_token)
    member_id = accounts.member_id_for_email(request.email)
    member = accounts.get_member(member_id) if member_id else None
    if not member:
        passwords.burn_time(request.password)
        raise InvalidCredentials()
    if not passwords.verify(member["password_hash"], request.password):
        raise InvalidCredentials()
    if member["status"] == "suspended":
        raise Forbidden("このアカウントは利用停止中です。公社までお問い合わせください。")
    settle, new_device = throttle.success_ops(attempt, member["member_id"])
    session = sessions.create(member["member_id"], member.get("role", "member"), also=settle)
    return LoggedIn(me=me_of(member), session=session, device_token=new_device)


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
    # the new password and the other sessions' end in one transaction: never one without the other
    revoke, later = sessions.revoke_ops(member_id, keep_session_id=session_id)
    dynamo.transact([accounts.set_password_op(member_id, passwords.hash_password(request.new_password), clock.iso()), *revoke])
    for digest in later:
        accounts.delete_session(digest)
    mail.send(member["email"], "password_changed", user_name=member.get("user_name", ""), at=clock.jst_text(), about=f"member:{member_id}")
