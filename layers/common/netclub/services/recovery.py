"""Password reset (パスワード再設定): request a link, then set a new password from it."""

from __future__ import annotations

import time

from netclub import clock, mail
from netclub.errors import FieldError, InvalidToken, ValidationFailed
from netclub.models.auth import PasswordResetConfirm, PasswordResetRequest
from netclub.services import passwords, sessions, throttle, tokens
from netclub.store import accounts, outbox
from netclub.store.dynamo import ConditionFailed

PURPOSE = "password_reset"
# Both paths (registered or not) answer after the same time, so timing does not tell them apart:
# a registered address costs 5 DynamoDB calls and an SES send, an unknown one a single GetItem.
ANSWER_SECONDS = 0.4
ACCEPTED_MESSAGE = "ご入力のメールアドレスが登録されている場合、パスワード再設定用のメールを送信しました。メールをご確認ください。"


def request_reset(request: PasswordResetRequest, source: str | None = None) -> str:
    """Always the same answer; a mail goes only to a registered address, and at most as often as the caps
    allow (throttle.mail_allowed): the answer does not tell."""
    if request.email != request.email_confirm:
        raise ValidationFailed([FieldError("email_confirm", "確認のため入力したメールアドレスが一致しません。")])
    started = time.monotonic()
    try:
        member_id = accounts.member_id_for_email(request.email)
        member = accounts.get_member(member_id) if member_id else None
        if member and member["status"] != "suspended" and throttle.mail_allowed(member["email"], source, "password_reset"):
            about = f"member:{member['member_id']}"
            kept = tokens.issue_mailed_unless_refused(PURPOSE, member["member_id"], "/password-reset/confirm", member["email"], "password_reset", about)
            if kept:
                mail.send_kept(kept)
    finally:
        clock.answer_after(started, ANSWER_SECONDS)
    return ACCEPTED_MESSAGE


def confirm_reset(request: PasswordResetConfirm) -> None:
    token_ops, token = tokens.redeem(request.token, PURPOSE)
    member = accounts.get_member(str(token["subject"]), consistent=True)
    if not member:
        raise InvalidToken()
    errors = passwords.check_new(request.new_password, request.new_password_confirm, email=member["email"])
    if not errors and passwords.verify(member["password_hash"], request.new_password):
        errors.append(FieldError("new_password", "現在のパスワードと同じパスワードは設定できません。"))
    if errors:
        raise ValidationFailed(errors)
    # token used, new password, every session ended and the notice (outbox): one transaction
    revoke, later = sessions.revoke_ops(member["member_id"])
    notice = mail.compose(
        member["email"], "password_reset_done", about=f"member:{member['member_id']}", user_name=member.get("user_name", ""), at=clock.jst_text()
    )
    new_hash = passwords.hash_password(request.new_password)
    try:
        accounts.consume_token_and(
            token_ops, [*accounts.set_password_ops(member["member_id"], member["email"], new_hash, clock.iso()), *revoke, outbox.put_op(notice)]
        )
    except ConditionFailed:
        raise InvalidToken() from None
    for session_digest in later:
        accounts.delete_session(session_digest)
    mail.send_kept(notice)
