"""Domain errors. Services raise these; netclub.api maps each to one HTTP answer."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class DomainError(Exception):
    status = 400
    code = "bad_request"
    message = "リクエストを処理できませんでした。"

    def __init__(self, message: str | None = None, *, code: str | None = None) -> None:
        super().__init__(message or self.message)
        if message:
            self.message = message
        if code:
            self.code = code


class ValidationFailed(DomainError):
    status = 400
    code = "validation_error"
    message = "入力内容に誤りがあります。各項目のメッセージをご確認ください。"

    def __init__(self, fields: list[FieldError], message: str | None = None) -> None:
        super().__init__(message)
        self.fields = fields


def invalid(field_name: str, message: str) -> ValidationFailed:
    return ValidationFailed([FieldError(field_name, message)])


class InvalidToken(DomainError):
    status = 400
    code = "invalid_token"
    message = "このリンクは無効か、有効期限（60分）が切れています。もう一度最初からお手続きください。"


class Unauthenticated(DomainError):
    status = 401
    code = "unauthenticated"
    message = "ログインの有効期限が切れました。もう一度ログインしてください。"


class InvalidCredentials(DomainError):
    status = 401
    code = "invalid_credentials"
    message = "会員ID（メールアドレス）またはパスワードが正しくありません。"


class InvalidCode(DomainError):
    """A wrong second factor (2段階認証)."""

    status = 401
    code = "invalid_code"
    message = "確認コードが正しくありません。認証アプリに表示されている最新の6桁を入力してください。"


class InvalidRecoveryCode(InvalidCode):
    message = "リカバリーコードが正しくないか、すでに使用されています。"


class MfaTokenInvalid(DomainError):
    status = 401
    code = "mfa_expired"
    message = "確認の有効期限（5分）が切れたか、すでに使用されています。もう一度ログインしてください。"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    message = "この操作を行う権限がありません。"


class NotActive(Forbidden):
    message = "この機能は、公社による会員情報の確認完了（通知メール受領）後にご利用いただけます。"


class NotFound(DomainError):
    status = 404
    code = "not_found"
    message = "お探しの情報が見つかりません。"


class Conflict(DomainError):
    status = 409
    code = "conflict"
    message = "他の操作と競合しました。画面を更新して、もう一度お試しください。"


class Busy(Conflict):
    code = "busy"
    message = "ただいまお申込み等が集中しています。少し時間をおいて、もう一度お試しください。"


class Expired(DomainError):
    status = 410
    code = "expired"
    message = "有効期限が切れています。"


class TooLarge(DomainError):
    status = 413
    code = "too_large"
    message = "ファイルサイズが大きすぎます。"


class UnsupportedMediaType(DomainError):
    status = 415
    code = "unsupported_media_type"
    message = "リクエストの形式が正しくありません（Content-Type: application/json で送信してください）。"


class TooManyRequests(DomainError):
    status = 429
    code = "too_many_requests"
    message = "試行回数が上限に達しました。しばらく時間をおいてから、もう一度お試しください。"

    def __init__(self, retry_after: int, message: str | None = None) -> None:
        super().__init__(message)
        self.retry_after = max(1, int(retry_after))


class Unavailable(DomainError):
    """AWS kept refusing after the SDK's retries (throttling, an outage): nothing was written; try again later."""

    status = 503
    code = "unavailable"
    message = "ただいまアクセスが集中しているため、処理できませんでした。しばらく時間をおいてから、もう一度お試しください。"

    def __init__(self, retry_after: int = 5, message: str | None = None) -> None:
        super().__init__(message)
        self.retry_after = max(1, int(retry_after))
