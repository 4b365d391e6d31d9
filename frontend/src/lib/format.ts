import type { ReservationStatus, OfferingKind } from '../api/types'

export const RESERVATION_STATUS_LABELS: Record<ReservationStatus, string> = {
  confirmed: '予約済み',
  waitlisted: 'キャンセル待ち',
  applied: '申込済み（抽選待ち）',
  won: '当選',
  lost: '落選',
  cancelled: 'キャンセル済み',
  attended: '参加済み',
}

export const OFFERING_KIND_LABELS: Record<OfferingKind, string> = {
  seminar: 'セミナー',
  counseling: '専門家カウンセリング',
}

export const MEMBER_STATUS_LABELS: Record<string, string> = {
  pending_review: '確認待ち',
  active: '利用中',
  suspended: '利用停止',
  withdrawn: '退会',
  erased: '削除済み',
}

export const INQUIRY_STATUS_LABELS: Record<string, string> = {
  open: '受付済み（未回答）',
  answered: '回答済み',
  closed: '完了',
}

export const USAGE_TYPE_LABELS: Record<string, string> = {
  seminar: 'セミナー',
  counseling: '専門家カウンセリング',
  inquiry: 'お問い合わせ',
  reservation: '予約',
  event: 'イベント',
  business_contact: '商談申込',
}

/** 商談申込 rows of 利用履歴: the sender's (sent) and the recipient's (received) */
export const CONTACT_STATUS_LABELS: Record<string, string> = {
  sent: '送信済み',
  received: '受信',
}

export function reservationStatusLabel(s: string): string {
  return (RESERVATION_STATUS_LABELS as Record<string, string>)[s] ?? s
}

/** 予約確認・変更: the status of one reservation; waiting ones with their place 「キャンセル待ち（2番目）」 */
export function reservationStatusText(r: { status: string; waitlist_position?: number | null }): string {
  if (r.status === 'waitlisted' && r.waitlist_position) return `キャンセル待ち（${r.waitlist_position}番目）`
  return reservationStatusLabel(r.status)
}

/** A seminar slot a newcomer cannot take: no seat left, or others wait for one (キャンセル待ち). */
export function slotIsFull(s: { seats_left: number; waitlist_count?: number | null }): boolean {
  return s.seats_left <= 0 || (s.waitlist_count ?? 0) > 0
}

export function usageStatusLabel(s: string): string {
  return (RESERVATION_STATUS_LABELS as Record<string, string>)[s] ?? INQUIRY_STATUS_LABELS[s] ?? CONTACT_STATUS_LABELS[s] ?? s
}

const WEEK = ['日', '月', '火', '水', '木', '金', '土']

/** 2019-07-25 → 2019/07/25（木） */
export function formatDate(d: string | null | undefined): string {
  if (!d) return ''
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(d)
  if (!m) return d
  const dt = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]))
  return `${m[1]}/${m[2]}/${m[3]}（${WEEK[dt.getDay()]}）`
}

/** An ISO instant shown in Asia/Tokyo: 2019/07/25 09:00 */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return ''
  const dt = new Date(iso)
  if (Number.isNaN(dt.getTime())) return iso
  const parts = new Intl.DateTimeFormat('ja-JP', {
    timeZone: 'Asia/Tokyo',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).formatToParts(dt)
  const g = (t: string) => parts.find((p) => p.type === t)?.value ?? ''
  return `${g('year')}/${g('month')}/${g('day')} ${g('hour')}:${g('minute')}`
}

export function formatTimeRange(a?: string, b?: string): string {
  if (!a && !b) return ''
  return `${a ?? ''}〜${b ?? ''}`
}

export function formatDuration(s?: number | null): string {
  if (!s && s !== 0) return ''
  const m = Math.floor(s / 60)
  const sec = s % 60
  return `${m}分${sec ? `${sec}秒` : ''}`
}

/** A date (YYYY-MM-DD) or an instant, whichever the API sent. */
export function formatWhen(s: string | null | undefined): string {
  if (!s) return ''
  return s.includes('T') ? formatDateTime(s) : formatDate(s)
}

const AUDIT_SUBJECTS: Record<string, string> = {
  member: '会員',
  'member.profile': '会員情報',
  offering: '催し',
  slot: '日程',
  reservation: '予約',
  inquiry: 'お問い合わせ',
  inquiry_kind: 'お問い合わせ種類',
  event: 'イベント',
  notice: 'お知らせ',
  video: '動画',
  members: '会員名簿',
  attendees: '参加者名簿',
  directory: '会員企業検索',
  newsletter: 'メールマガジン',
}
const AUDIT_VERBS: Record<string, string> = {
  create: 'の登録',
  update: 'の更新',
  delete: 'の削除',
  approve: '登録の承認',
  lottery: 'の抽選',
  attended: 'の出席記録',
  reply: 'への回答',
  close: 'を完了に',
  export: 'の出力',
  contact: 'での商談申込',
  test: 'のテスト送信',
  send: 'の配信',
  schedule: 'の予約配信',
  redrive: 'の再送',
}

/** 監査ログ: an action code (e.g. `inquiry.reply`) in Japanese (お問い合わせへの回答); unknown codes as they are. */
export function auditActionLabel(code: string): string {
  const at = code.lastIndexOf('.')
  if (at < 0) return code
  const subject = AUDIT_SUBJECTS[code.slice(0, at)]
  const verb = AUDIT_VERBS[code.slice(at + 1)]
  return subject && verb ? `${subject}${verb}` : code
}
