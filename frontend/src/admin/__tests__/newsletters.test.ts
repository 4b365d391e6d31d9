import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import AdminNewsletters from '../AdminNewsletters.vue'
import type { Newsletter } from '../../lib/newsletters'

// メールマガジン配信: 配信対象 from the detail, 予約配信 in Tokyo time, the server's field messages.
const DRAFT: Newsletter = {
  id: 'n-1',
  subject: '12月号',
  body: '本文',
  genres: ['e_argus'],
  status: 'draft',
  audience: 0,
  send_at: null,
  sent_at: null,
  created_at: '2026-12-01T00:00:00Z',
  updated_at: '2026-12-01T00:00:00Z',
  stats: { recipients: 0, sent: 0, failed: 0, bounced: 0, complained: 0, unsubscribed: 0, stuck: 0, unknown: 0 },
}
const SENT: Newsletter = { ...DRAFT, id: 'n-0', subject: '11月号', status: 'sent', audience: 5, sent_at: '2026-11-01T01:00:00Z', stats: { ...DRAFT.stats, recipients: 5, sent: 4, failed: 1, unsubscribed: 2 } }

function answer(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

describe('AdminNewsletters', () => {
  let posts: { url: string; body: unknown }[]
  let sendAnswer: () => Response

  beforeEach(() => {
    posts = []
    sendAnswer = () => answer(202, { id: 'n-1', status: 'scheduled' })
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init: RequestInit = {}) => {
        if (init.method === 'POST') {
          posts.push({ url, body: init.body ? JSON.parse(String(init.body)) : null })
          return sendAnswer()
        }
        if (url.startsWith('/api/admin/newsletters/n-1')) return answer(200, { ...DRAFT, audience: 1234 })
        return answer(200, { items: [DRAFT, SENT], next_cursor: null })
      }),
    )
  })
  afterEach(() => vi.unstubAllGlobals())

  it('lists status and 配信結果; only drafts can be edited', async () => {
    const w = mount(AdminNewsletters, { attachTo: document.body })
    await flushPromises()
    const rows = w.findAll('[data-testid=admin-newsletters] > li')
    expect(rows.map((r) => r.get('[data-testid=newsletter-status]').text())).toEqual(['下書き', '配信済み'])
    expect(rows[0].find('dl').exists()).toBe(false)
    expect(rows[1].findAll('dt').map((d) => d.text())).toEqual(['対象', '送信', '失敗', '不達', '苦情', '配信停止', '不明'])
    expect(rows[1].findAll('dd').map((d) => d.text())).toEqual(['5', '4', '1', '0', '0', '2', '0'])
    expect(rows[1].findAll('button')).toHaveLength(0)
    w.unmount()
  })

  it('marks a newsletter with recipients in the DLQ 一部未送信 and 再送 re-drives them', async () => {
    const stuck: Newsletter = { ...SENT, id: 'n-2', subject: '10月号', status: 'sending', sent_at: null, stats: { ...SENT.stats, sent: 2, failed: 0, stuck: 3 } }
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init: RequestInit = {}) => {
        if (init.method === 'POST') {
          posts.push({ url, body: null })
          return answer(200, { id: 'n-2', messages: 1, recipients: 3 })
        }
        return answer(200, { items: [stuck, SENT], next_cursor: null })
      }),
    )
    const w = mount(AdminNewsletters, { attachTo: document.body })
    await flushPromises()
    const rows = w.findAll('[data-testid=admin-newsletters] > li')
    expect(rows.map((r) => r.get('[data-testid=newsletter-status]').text())).toEqual(['一部未送信', '配信済み'])
    expect(rows[0].get('[data-testid=newsletter-stuck]').text()).toContain('3件の宛先')
    expect(rows[1].find('[data-testid=newsletter-stuck]').exists()).toBe(false)
    await rows[0].get('[data-testid=newsletter-redrive]').trigger('click')
    await flushPromises()
    expect(posts.map((p) => p.url)).toEqual(['/api/admin/newsletters/n-2/redrive'])
    expect(w.get('[data-testid=newsletter-notice]').text()).toContain('未送信分（3件）を再送しました')
    w.unmount()
  })

  it('says why a newsletter is paused (一時停止中) and 再開 resumes it', async () => {
    const posts: string[] = []
    const paused: Newsletter = {
      ...SENT,
      id: 'n-3',
      subject: '9月号',
      status: 'paused',
      sent_at: null,
      paused_reason: 'メール送信が一時停止されています（SES の送信停止）。',
      paused_at: '2026-12-01T05:00:00Z',
      stats: { ...SENT.stats, recipients: 71, sent: 0 },
    }
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init: RequestInit = {}) => {
        if (init.method === 'POST') {
          posts.push(url)
          return answer(202, { id: 'n-3', status: 'sending' })
        }
        return answer(200, { items: [paused], next_cursor: null })
      }),
    )
    const w = mount(AdminNewsletters, { attachTo: document.body })
    await flushPromises()
    const row = w.get('[data-testid=admin-newsletters] > li')
    expect(row.get('[data-testid=newsletter-status]').text()).toBe('一時停止中')
    expect(row.get('[data-testid=newsletter-paused]').text()).toContain('SES の送信停止')
    expect(row.find('[data-testid=newsletter-redrive]').exists()).toBe(false)
    await row.get('[data-testid=newsletter-resume]').trigger('click')
    await flushPromises()
    expect(posts).toEqual(['/api/admin/newsletters/n-3/resume'])
    expect(w.get('[data-testid=newsletter-notice]').text()).toContain('配信を再開しました')
    w.unmount()
  })

  it('shows 配信対象 of the detail and schedules in Tokyo time; a refused time goes next to its field', async () => {
    const w = mount(AdminNewsletters, { attachTo: document.body })
    await flushPromises()
    await w.get('button[aria-label="12月号を編集"]').trigger('click')
    await flushPromises()
    expect(w.get('[data-testid=newsletter-audience]').text()).toBe('配信対象 1,234件')

    await w.get('#nl-send_at').setValue('2999-01-02T09:30')
    sendAnswer = () => answer(400, { error: { code: 'validation_error', message: '入力内容に誤りがあります。', fields: [{ field: 'send_at', message: '配信日時は現在より後の日時を指定してください。' }] } })
    await w.get('[data-testid=newsletter-schedule]').trigger('click')
    await flushPromises()
    expect(posts).toEqual([{ url: '/api/admin/newsletters/n-1/send', body: { send_at: '2999-01-02T09:30:00+09:00' } }])
    expect(w.get('#nl-send_at-error').text()).toBe('配信日時は現在より後の日時を指定してください。')
    expect(w.get('[data-testid=error-summary]').text()).toContain('配信日時：')

    sendAnswer = () => answer(202, { id: 'n-1', status: 'scheduled' })
    await w.get('[data-testid=newsletter-schedule]').trigger('click')
    await flushPromises()
    expect(w.get('[data-testid=newsletter-notice]').text()).toBe('「12月号」を2999/01/02 09:30に予約しました。')
    expect(w.find('[data-testid=newsletter-send-panel]').exists()).toBe(false)
    w.unmount()
  })

  it('sends nothing while the form has unsaved changes', async () => {
    const w = mount(AdminNewsletters, { attachTo: document.body })
    await flushPromises()
    await w.get('button[aria-label="12月号を編集"]').trigger('click')
    await flushPromises()
    await w.get('#nl-body').setValue('直した本文')
    expect(w.get('[data-testid=newsletter-send]').attributes('disabled')).toBeDefined()
    expect(w.get('[data-testid=newsletter-test]').attributes('disabled')).toBeDefined()
    expect(w.text()).toContain('変更が保存されていません。')
    w.unmount()
  })
})
