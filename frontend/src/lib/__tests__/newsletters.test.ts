import { describe, expect, it } from 'vitest'
import { checkNewsletter, checkSendAt, genreLabels, mayHaveStalled, newsletterStatusLabel, NEWSLETTER_STATS, NEWSLETTER_STATUS_LABELS } from '../newsletters'
import { MAIL_MAGAZINE_GENRES } from '../profile'

describe('メールマガジン配信: labels and the form checks', () => {
  it('names the genres as My情報 does and the results as the 配信結果 screen does', () => {
    expect(genreLabels(['netclub_magazine', 'e_argus'])).toBe(MAIL_MAGAZINE_GENRES.map((g) => g.label).join('、'))
    expect(genreLabels(['e_argus'])).toBe('電子ARGUS')
    expect(NEWSLETTER_STATS.map((s) => s.label)).toEqual(['対象', '送信', '失敗', '不達', '苦情', '配信停止', '不明'])
    expect(Object.values(NEWSLETTER_STATUS_LABELS)).toEqual(['下書き', '予約済み', '配信中', '一時停止中', '配信済み'])
  })

  it('says 一部未送信 while recipients wait in the DLQ, and offers 再送 for a long 配信中 too', () => {
    const stats = { recipients: 3, sent: 1, failed: 0, bounced: 0, complained: 0, unsubscribed: 0, stuck: 0, unknown: 0 }
    const now = new Date('2026-12-01T05:00:00Z')
    expect(newsletterStatusLabel({ status: 'sending', stats: { ...stats, stuck: 2 } })).toBe('一部未送信')
    expect(newsletterStatusLabel({ status: 'sending', stats })).toBe('配信中')
    expect(newsletterStatusLabel({ status: 'sent', stats })).toBe('配信済み')
    expect(mayHaveStalled({ status: 'sending', stats, updated_at: '2026-12-01T04:45:00Z' }, now)).toBe(false)
    expect(mayHaveStalled({ status: 'sending', stats, updated_at: '2026-12-01T04:29:00Z' }, now)).toBe(true)
    expect(mayHaveStalled({ status: 'sending', stats: { ...stats, stuck: 2 }, updated_at: '2026-12-01T04:29:00Z' }, now)).toBe(false) // 一部未送信 says it
    expect(mayHaveStalled({ status: 'sent', stats, updated_at: '2026-12-01T04:29:00Z' }, now)).toBe(false)
  })

  it('asks for a subject (≤150), a body (≤20,000) and a genre', () => {
    expect(checkNewsletter({ subject: ' ', body: '\n', genres: [] })).toEqual({
      subject: '件名を入力してください。',
      body: '本文を入力してください。',
      genres: 'ジャンルを1つ以上選択してください。',
    })
    expect(checkNewsletter({ subject: 'あ'.repeat(150), body: 'い'.repeat(20000), genres: ['e_argus'] })).toEqual({})
    expect(checkNewsletter({ subject: 'あ'.repeat(151), body: 'い'.repeat(20001), genres: ['e_argus'] })).toEqual({
      subject: '件名は150文字以内で入力してください。',
      body: '本文は20,000文字以内で入力してください。',
    })
  })

  it('takes a 予約配信 time in Tokyo time, in the future only', () => {
    const now = new Date('2026-12-01T05:00:00Z') // 14:00 in Tokyo
    expect(checkSendAt('', now)).toBe('配信日時を入力してください。')
    expect(checkSendAt('2026-12-01T14:00', now)).toBe('配信日時は現在より後の日時を指定してください。')
    expect(checkSendAt('2026-12-01T14:01', now)).toBe('')
    expect(checkSendAt('nonsense', now)).toBe('配信日時を正しく入力してください。')
  })
})
