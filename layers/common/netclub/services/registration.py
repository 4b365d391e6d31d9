"""新規会員登録: e-mail → verification link → password + profile → pending_review."""

from __future__ import annotations

import time

from netclub import clock, ids, mail
from netclub.config import get_settings
from netclub.errors import Conflict, FieldError, InvalidToken, ValidationFailed
from netclub.models.auth import RegistrationCreated, RegistrationRequest
from netclub.models.registration import RegistrationConfirm
from netclub.services import passwords, profiles, throttle, tokens
from netclub.store import accounts, outbox
from netclub.store.dynamo import ConditionFailed
from netclub.store.items import MemberItem

PURPOSE = "registration"
ANSWER_SECONDS = 0.4  # a registered address answers after the same time as a new one
ACCEPTED_MESSAGE = "ご入力のメールアドレスに、会員登録のご案内メールを送信しました。メールに記載のリンクから、60分以内に登録をお進みください。"


def request_registration(request: RegistrationRequest, source: str | None = None) -> str:
    """Always the same answer; a mail to the address at most as often as the caps allow (throttle.mail_allowed)."""
    if request.email != request.email_confirm:
        raise ValidationFailed([FieldError("email_confirm", "確認のため入力したメールアドレスが一致しません。")])
    started = time.monotonic()
    try:
        if not throttle.mail_allowed(request.email, source, "registration"):
            pass  # capped: nothing is sent, the answer is the same
        elif accounts.member_id_for_email(request.email):
            # Same answer as for a new address; the owner of the address learns the truth by mail. Sent at once
            # (kept only if SES refuses it): nothing is committed for it, so a crash before the send loses the
            # visitor's answer too (API Gateway answers 502) and they ask again; an outbox write first would be a
            # write only registered addresses make.
            mail.send(request.email, "registration_exists", login_link=f"{get_settings().need('frontend_url')}/login", about="registration")
        else:
            kept = tokens.issue_mailed_unless_refused(PURPOSE, request.email, "/register/confirm", request.email, "registration_verify", "registration")
            if kept:
                mail.send_kept(kept)
    finally:
        clock.answer_after(started, ANSWER_SECONDS)
    return ACCEPTED_MESSAGE


def confirm_registration(request: RegistrationConfirm) -> RegistrationCreated:
    token_ops, token = tokens.redeem(request.token, PURPOSE)
    email = str(token["subject"])
    raw_profile = dict(request.profile)
    raw_profile["user"] = {**(raw_profile.get("user") or {}), "email": email}
    errors: list[FieldError] = passwords.check_new(request.password, request.password_confirm, email=email, field="password", confirm_field="password_confirm")
    profile, profile_errors = profiles.validate(raw_profile, prefix="profile")
    errors += profile_errors
    if errors or profile is None:
        raise ValidationFailed(errors)
    now = clock.iso()
    member: MemberItem = {
        "member_id": ids.new_id(),
        "email": email,
        "role": "member",
        "status": "pending_review",
        "password_hash": passwords.hash_password(request.password),
        "company_name": profile.company_name or "",
        "user_name": profile.user.name or "",
        "profile": profiles.to_item(profile),
        "staff_fields": {},
        "created_at": now,
        "updated_at": now,
    }
    received = mail.compose(
        email, "registration_received", about=f"member:{member['member_id']}", company_name=member["company_name"], user_name=member["user_name"]
    )
    try:
        accounts.create_member(member, token_ops=token_ops, also=[outbox.put_op(received)])  # its mail in the outbox, in the same transaction
    except ConditionFailed as exc:
        if accounts.member_id_for_email(email):
            raise Conflict("このメールアドレスはすでに登録されています。ログイン画面からログインしてください。", code="email_taken") from exc
        raise InvalidToken() from exc
    mail.send_kept(received)
    return RegistrationCreated(member_id=member["member_id"], status="pending_review")
