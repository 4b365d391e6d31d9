"""My情報 rules that span fields: required fields, the 法人 rule, employee breakdown, industry codes."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from netclub import clock, mail
from netclub.config import get_settings
from netclub.errors import Conflict, FieldError, InvalidToken, NotActive, NotFound, ValidationFailed
from netclub.models.profile import AdminMemberDetail, AdminMemberSummary, Profile, ProfileView, StaffFields, StoredProfile
from netclub.services import audit, industries, throttle, tokens
from netclub.store import accounts, outbox
from netclub.store import profiles as profile_store
from netclub.store.dynamo import TransactOp
from netclub.store.items import MemberItem
from netclub.validation import field_errors_from_pydantic, validation_failed

REQUIRED = "必須項目です。入力してください。"
REQUIRED_FOR_CORPORATION = "法人区分が「法人」の場合は必須です。"


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def industry_errors(profile: Profile) -> list[FieldError]:
    """JSIC codes: known classes, the middle under its major, the minor under its middle."""
    ind = profile.industry
    return industries.check(ind.major, ind.middle, ind.minor)


def rule_errors(profile: Profile) -> list[FieldError]:
    errors: list[FieldError] = []
    if profile.corporate_type is None:
        errors.append(FieldError("corporate_type", "法人区分を選択してください。"))
    if _blank(profile.company_name):
        errors.append(FieldError("company_name", "企業名を入力してください（個人事業者または創業予定者の方は氏名を入力して下さい）。"))
    if _blank(profile.user.name):
        errors.append(FieldError("user.name", "利用者名を入力してください。"))
    if profile.corporate_type == "corporation":
        for name, value in (
            ("industry.major", profile.industry.major),
            ("industry.middle", profile.industry.middle),
            ("capital_thousand_yen", profile.capital_thousand_yen),
            ("employees.total", profile.employees.total),
            ("office_name", profile.office_name),
        ):
            if _blank(value):
                errors.append(FieldError(name, REQUIRED_FOR_CORPORATION))
    e = profile.employees
    parts = [v for v in (e.full_time, e.part_time, e.other) if v is not None]
    if e.total is not None and parts and sum(parts) > e.total:
        errors.append(FieldError("employees.total", "従業員(正社員・パート・その他)の合計が従業員数を超えています。"))
    cap, large = profile.capital_thousand_yen, profile.large_company_investment_thousand_yen
    if cap is not None and large is not None and large > cap:
        errors.append(FieldError("large_company_investment_thousand_yen", "うち大企業からの出資は資本金以下の金額を入力してください。"))
    errors += industry_errors(profile)
    return errors


def validate(raw: Any, prefix: str = "") -> tuple[Profile | None, list[FieldError]]:
    """Parse and check a profile; every break is reported against its own (dotted) field."""

    def named(errors: list[FieldError]) -> list[FieldError]:
        return [FieldError(f"{prefix}.{f.field}" if prefix else f.field, f.message) for f in errors]

    if not isinstance(raw, dict):
        return None, [FieldError(prefix or "body", "項目の形式が正しくありません。")]
    try:
        profile = Profile.model_validate(raw)
    except ValidationError as exc:
        return None, named(field_errors_from_pydantic(exc.errors(), strip_root=False))  # type: ignore[arg-type]
    errors = rule_errors(profile)
    return (None if errors else profile), named(errors)


def to_item(profile: Profile) -> dict[str, Any]:
    return profile.model_dump(mode="json", exclude_none=True)


# --- My情報 (member) and the staff's view of it ------------------------------------------------

EMAIL_PURPOSE = "email_change"
EMAIL_TAKEN = "このメールアドレスは、他の会員が使用しているため登録できません。"


def _active_member(member_id: str) -> MemberItem:
    member = profile_store.get_member(member_id, consistent=True)
    if not member:
        raise NotFound()
    if member.get("status") != "active":
        raise NotActive()
    return member


def _waiting_address(member: MemberItem) -> str | None:
    """The new address of an e-mail change whose link has not been followed yet (and is still valid)."""
    pending = member.get("pending_email") or {}
    if pending.get("address") and int(pending.get("until_epoch", 0)) > clock.epoch():
        return str(pending["address"])
    return None


STAFF_ONLY_FIELDS = ("note",)  # 公社メモ: the organisation's, never shown to the member (nor in its data export)


def _view(member: MemberItem, pending_email: str | None = None, staff: bool = False) -> ProfileView:
    pending_email = pending_email or _waiting_address(member)
    stored = dict(member.get("profile") or {})
    stored["user"] = {**(stored.get("user") or {}), "email": member["email"]}
    staff_fields = {k: v for k, v in (member.get("staff_fields") or {}).items() if staff or k not in STAFF_ONLY_FIELDS}
    view = {**stored, "staff_fields": staff_fields, "pending_email": pending_email, "company_id": member.get("company_id")}
    return ProfileView.model_validate(view, context={"stored": True})  # shown as stored, even from before a rule


def _checked(raw: Any) -> Profile:
    profile, errors = validate(raw)
    if errors or profile is None:
        raise ValidationFailed(errors)
    return profile


def _requested_email(profile: Profile, current: str) -> str | None:
    """The new address when the profile asks for a change (blank or the same address: no change)."""
    wanted = (profile.user.email or "").strip().lower()
    return wanted if wanted and wanted != current.lower() else None


def _with_email(profile: Profile, email: str) -> dict[str, Any]:
    item = to_item(profile)
    item["user"] = {**item.get("user", {}), "email": email}
    return item


def get_profile(member_id: str) -> ProfileView:
    return _view(_active_member(member_id))


def update_profile(member_id: str, raw: Any, dry_run: bool = False) -> ProfileView:
    """PUT /api/profile. staff_fields in the body are ignored; a new user.email waits for its confirmation link."""
    member = _active_member(member_id)
    profile = _checked(raw)
    new_email = _requested_email(profile, member["email"])
    if new_email and accounts.member_id_for_email(new_email) not in (None, member_id):
        raise Conflict(EMAIL_TAKEN, code="email_taken")
    item = _with_email(profile, member["email"])
    if dry_run:
        return _view({**member, "profile": item}, pending_email=new_email)
    waiting = {"address": new_email, "until_epoch": clock.epoch() + get_settings().token_ttl_minutes * 60} if new_email else None
    link, token_ops = "", list[TransactOp]()
    if new_email:  # the confirmation token is written with the profile: a change waiting for a link always has one
        link, token_ops = tokens.issue_ops(EMAIL_PURPOSE, member["member_id"], "/profile/email/confirm", data={"old": member["email"], "new": new_email})
    from netclub.services import directory, newsletters  # on writes only: reading or validating a profile needs neither

    company_id, listing_ops = directory.listing({**member, "profile": item})  # 会員企業検索: in the same transaction
    listing_ops += newsletters.subscription_ops(member, {**member, "profile": item}, "profile")  # メールマガジンの配信先と同意の記録も
    verify = (
        mail.compose(new_email, "email_change_verify", about=f"member:{member_id}", user_name=member.get("user_name", ""), link=link) if new_email else None
    )
    try:
        profile_store.save(
            member_id,
            member["email"],
            item,
            profile.company_name or "",
            profile.user.name or "",
            clock.iso(),
            extra=[*token_ops, *listing_ops, *([outbox.put_op(verify)] if verify else [])],  # the link's mail: in the outbox with its token
            pending_email=waiting,
            company_id=company_id,
            suppressed_as_read=member.get("mail_suppressed"),
        )
    except profile_store.ConditionFailed:
        raise Conflict() from None
    # the new address is the member's choice: its mails are capped like every such mail (same answer when capped),
    # counted after the commit (a refused change counts nothing); a capped mail leaves the outbox unsent
    if verify and new_email:
        if throttle.mail_allowed(new_email, f"member:{member_id}", "email_change_verify"):
            mail.send_kept(verify)
        else:
            mail.drop_kept(verify)
    return _view({**member, "profile": item, "company_id": company_id or member.get("company_id")}, pending_email=new_email)


def confirm_email(token: str) -> str:
    """POST /api/profile/email/confirm: the new address takes effect (single use, 60 minutes). Returns it."""
    token_ops, record = tokens.redeem(token, EMAIL_PURPOSE)
    data = record.get("data") or {}
    old, new = str(data.get("old", "")), str(data.get("new", ""))
    member = profile_store.get_member(str(record["subject"]), consistent=True)
    if not member or member["email"] != old or not new:
        raise InvalidToken()
    profile = {**(member.get("profile") or {})}
    profile["user"] = {**(profile.get("user") or {}), "email": new}
    operations = profile_store.change_email_ops(member, old, new, profile, clock.iso())
    from netclub.services import newsletters

    operations += newsletters.index_ops({**member, "email": new, "profile": profile})  # a suppressed address left behind: back in the audience
    notice = mail.compose(old, "email_changed_notice", about=f"member:{member['member_id']}", user_name=member.get("user_name", ""), new_email=_masked(new))
    try:  # the notice to the old address in the outbox, in the change's transaction
        profile_store.transact_email_change([*operations, outbox.put_op(notice)], token_ops=token_ops)
    except profile_store.EmailTaken:
        raise Conflict(EMAIL_TAKEN, code="email_taken") from None
    except profile_store.ConditionFailed:
        raise InvalidToken() from None
    mail.send_kept(notice)
    return new


def _masked(address: str) -> str:
    local, _, domain = address.partition("@")
    return f"{local[:2]}***@{domain}"


def admin_get(member_id: str) -> AdminMemberDetail:
    member = profile_store.get_member(member_id, consistent=True)
    if not member or member.get("role") != "member":
        raise NotFound("会員が見つかりません。")
    return _admin_detail(member)


def _admin_detail(member: MemberItem) -> AdminMemberDetail:
    view = _view(member, staff=True)
    return AdminMemberDetail(
        member=AdminMemberSummary(
            member_id=member["member_id"],
            email=member["email"],
            company_name=member.get("company_name", ""),
            user_name=member.get("user_name", ""),
            status=member["status"],
            created_at=member["created_at"],
            updated_at=member.get("updated_at"),
            password_set=bool(member.get("password_hash")),
        ),
        profile=StoredProfile.model_validate(view.model_dump(exclude={"staff_fields", "pending_email", "company_id"}), context={"stored": True}),
        staff_fields=view.staff_fields,
    )


def _staff_fields(raw: Any, current: dict[str, Any]) -> dict[str, Any]:
    if raw is None:
        return current
    if not isinstance(raw, dict):
        raise ValidationFailed([FieldError("staff_fields", "項目の形式が正しくありません。")])
    try:
        fields = StaffFields.model_validate(raw)
    except ValidationError as exc:
        raise validation_failed(exc, prefix="staff_fields") from None
    return fields.model_dump(mode="json", exclude_none=True)


def admin_update(staff_id: str, member_id: str, raw: Any) -> AdminMemberDetail:
    """PUT /api/admin/members/{id}/profile: every field incl. staff_fields; a new e-mail applies at once. Audit-logged."""
    member = profile_store.get_member(member_id, consistent=True)
    if not member or member.get("role") != "member":
        raise NotFound("会員が見つかりません。")
    errors: list[FieldError] = []
    profile, profile_errors = validate(raw)
    errors += profile_errors
    try:
        staff_fields = _staff_fields(raw.get("staff_fields") if isinstance(raw, dict) else None, member.get("staff_fields") or {})
    except ValidationFailed as exc:
        errors += exc.fields
    if errors or profile is None:
        raise ValidationFailed(errors)
    at = clock.iso()
    new_email = _requested_email(profile, member["email"])
    email = new_email or member["email"]
    item = _with_email(profile, email)
    changed = sorted(
        {k for k in item if item.get(k) != (member.get("profile") or {}).get(k)} | ({"staff_fields"} if staff_fields != member.get("staff_fields") else set())
    )
    log = audit.op(staff_id, "member.profile.update", f"member:{member_id}", {"fields": changed, "email_changed": bool(new_email)})
    from netclub.services import directory, newsletters

    company_id, listing_ops = directory.listing({**member, "profile": item})  # 会員企業検索: in the same transaction
    listing_ops += newsletters.subscription_ops(member, {**member, "profile": item, "email": email}, "staff")  # メールマガジンの配信先と同意の記録も
    if new_email:
        names = {"company_name": profile.company_name or "", "user_name": profile.user.name or "", "staff_fields": staff_fields}
        if company_id:
            names["company_id"] = company_id
        notice = mail.compose(
            member["email"], "email_changed_notice", about=f"member:{member_id}", user_name=profile.user.name or "", new_email=_masked(new_email)
        )
        operations = [*profile_store.change_email_ops(member, member["email"], new_email, item, at, names), log, *listing_ops, outbox.put_op(notice)]
        try:
            profile_store.transact_email_change(operations)
        except profile_store.EmailTaken:
            raise Conflict(EMAIL_TAKEN, code="email_taken") from None
        except profile_store.ConditionFailed:
            raise Conflict() from None
        mail.send_kept(notice)
    else:
        try:
            profile_store.save_with_staff_fields(
                member_id,
                member["email"],
                item,
                staff_fields,
                profile.company_name or "",
                profile.user.name or "",
                at,
                [log, *listing_ops],
                company_id,
                suppressed_as_read=member.get("mail_suppressed"),
            )
        except profile_store.ConditionFailed:
            if profile_store.get_member(member_id, consistent=True):
                raise Conflict() from None  # changed meanwhile (its address suppressed by a bounce): try again
            raise NotFound("会員が見つかりません。") from None
    updated: MemberItem = {**member, "profile": item, "staff_fields": staff_fields, "email": email, "updated_at": at}
    updated["company_name"], updated["user_name"] = profile.company_name or "", profile.user.name or ""
    return _admin_detail(updated)
