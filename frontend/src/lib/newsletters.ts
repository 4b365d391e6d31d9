import type { components } from '../api/schema'
import { MAIL_MAGAZINE_GENRES } from './profile'
import { countChars } from './text'

/** メールマガジン配信 (POST /api/admin/newsletters...): the staff screen's labels and its own checks. */
export type Newsletter = components['schemas']['Newsletter']
export type NewsletterStatus = Newsletter['status']
export type NewsletterGenre = Newsletter['genres'][number]
export type NewsletterRedriven = components['schemas']['NewsletterRedriven']

export const NEWSLETTER_SUBJECT_MAX = 150
export const NEWSLETTER_BODY_MAX = 20000

export const NEWSLETTER_STATUS_LABELS: Record<NewsletterStatus, string> = {
  draft: '下書き',
  scheduled: '予約済み',
  sending: '配信中',
  paused: '一時停止中',
  sent: '配信済み',
}

/** 配信結果: the `stats` keys with the screen's labels (対象, 送信, 失敗, 不達, 苦情, 配信停止, 不明: the worker stopped
 * between recording the recipient and SES's answer, so the mail may or may not have gone; it is never sent twice). */
export const NEWSLETTER_STATS = [
  { key: 'recipients', label: '対象' },
  { key: 'sent', label: '送信' },
  { key: 'failed', label: '失敗' },
  { key: 'bounced', label: '不達' },
  { key: 'complained', label: '苦情' },
  { key: 'unsubscribed', label: '配信停止' },
  { key: 'unknown', label: '不明' },
] as const

/** 一部未送信: a newsletter still sending whose recipients are partly given up (the queue's DLQ) until 再送. */
export function isPartlyUnsent(n: Pick<Newsletter, 'status' | 'stats'>): boolean {
  return n.status === 'sending' && (n.stats.stuck ?? 0) > 0
}

/** A newsletter still sending long after it started (its updated_at: the last change of status) may have a
 * message given up without being counted (a worker stopped at its last attempt): 再送 is offered then too. */
export const STALLED_MINUTES = 30

export function mayHaveStalled(n: Pick<Newsletter, 'status' | 'stats' | 'updated_at'>, now: Date = new Date()): boolean {
  return n.status === 'sending' && !isPartlyUnsent(n) && now.getTime() - new Date(n.updated_at).getTime() > STALLED_MINUTES * 60_000
}

/** The status as the list shows it: 一部未送信 instead of 配信中 while some recipients wait for 再送. */
export function newsletterStatusLabel(n: Pick<Newsletter, 'status' | 'stats'>): string {
  return isPartlyUnsent(n) ? '一部未送信' : (NEWSLETTER_STATUS_LABELS[n.status] ?? n.status)
}

/** The genres as My情報 names them (TOKYOネットクラブまがじん, 電子ARGUS). */
export const NEWSLETTER_GENRES = MAIL_MAGAZINE_GENRES

export function genreLabels(genres: readonly string[]): string {
  return genres.map((g) => NEWSLETTER_GENRES.find((x) => x.value === g)?.label ?? g).join('、')
}

export const NEWSLETTER_FIELD_LABELS: Record<string, string> = { subject: '件名', body: '本文', genres: 'ジャンル', send_at: '配信日時' }

export interface NewsletterDraft {
  subject: string
  body: string
  genres: NewsletterGenre[]
}

/** The form's own checks before a request (the server checks the same and answers 400 `fields`). */
export function checkNewsletter(d: NewsletterDraft): Record<string, string> {
  const f: Record<string, string> = {}
  const subject = countChars(d.subject.trim())
  if (!subject) f.subject = '件名を入力してください。'
  else if (countChars(d.subject) > NEWSLETTER_SUBJECT_MAX) f.subject = `件名は${NEWSLETTER_SUBJECT_MAX}文字以内で入力してください。`
  if (!d.body.trim()) f.body = '本文を入力してください。'
  else if (countChars(d.body) > NEWSLETTER_BODY_MAX) f.body = `本文は${NEWSLETTER_BODY_MAX.toLocaleString('ja-JP')}文字以内で入力してください。`
  if (!d.genres.length) f.genres = 'ジャンルを1つ以上選択してください。'
  return f
}

/** <input type="datetime-local"> (Tokyo wall time) must lie in the future; '' when it does. */
export function checkSendAt(local: string, now: Date = new Date()): string {
  if (!local) return '配信日時を入力してください。'
  const at = new Date(`${local.length === 16 ? local + ':00' : local}+09:00`)
  if (Number.isNaN(at.getTime())) return '配信日時を正しく入力してください。'
  if (at.getTime() <= now.getTime()) return '配信日時は現在より後の日時を指定してください。'
  return ''
}
