import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import CompanyContactView from '../CompanyContactView.vue'
import CompanyPageView from '../../components/CompanyPageView.vue'
import type { CompanyPage } from '../../api/types'

const PAGE: CompanyPage = {
  company_id: 'c-1',
  company_name: '株式会社テスト精工',
  company_name_kana: 'テストセイコウ',
  common_name: null,
  industry: { major: 'E', middle: '24', minor: '244', name: '建設用・建築用金属製品製造業' },
  prefecture: '東京都',
  summary: 'プレス加工',
  processing_categories: ['プレス', '溶接'],
  trade_areas: ['関東'],
  homepage_url: 'https://example.jp/',
  office_name: '本社',
  address: '東京都大田区1-2-3',
  representative: { name: '代表太郎', title: '代表取締役' },
  capital_thousand_yen: 10000,
  employees_total: 12,
  established_year_month: '1990-04',
  public_info: null,
  business_summary: 'プレス加工',
  shipping_sales: null,
  equipment: [{ capability_class: '加工', name: 'プレス機', domestic: true, maker: 'アマダ', count: 3 }],
}

function answer(status: number, body: unknown, headers: Record<string, string> = {}) {
  return new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } })
}

describe('CompanyPageView (企業詳細, 公開される情報)', () => {
  it('shows 設備 as a table with column headers and the homepage in a new tab', () => {
    const w = mount(CompanyPageView, { props: { page: PAGE } })
    const headers = w.findAll('[data-testid=equipment-table] thead th')
    expect(headers.map((h) => h.text())).toEqual(['能力区分', '名称', '国産/輸入', 'メーカー', '台数'])
    expect(headers.every((h) => h.attributes('scope') === 'col')).toBe(true)
    expect(w.findAll('[data-testid=equipment-table] tbody td').map((d) => d.text())).toEqual(['加工', 'プレス機', '国産', 'アマダ', '3台'])
    const link = w.get('[data-testid=company-homepage]')
    expect(link.attributes('target')).toBe('_blank')
    expect(link.attributes('rel')).toBe('noopener noreferrer')
    expect(link.text()).toContain('（新しいタブで開きます）')
    expect(w.get('[data-field=capital_thousand_yen]').text()).toBe('10,000千円')
    expect(w.get('[data-field=established_year_month]').text()).toBe('1990年4月')
  })

  it('has no 代表者 row for 個人事業者・創業予定者 (the API sends no representative)', () => {
    const w = mount(CompanyPageView, { props: { page: { ...PAGE, representative: null, equipment: [] } } })
    expect(w.find('[data-field=representative]').exists()).toBe(false)
    expect(w.get('[data-testid=equipment-none]').text()).toContain('登録されている設備はありません')
  })
})

describe('CompanyContactView (商談申込 → 確認 → 送信完了)', () => {
  let posts: { url: string; body: unknown; headers: Record<string, string> }[]
  let postAnswer: () => Response

  beforeEach(() => {
    sessionStorage.clear()
    posts = []
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init: RequestInit) => {
        if (init.method === 'POST') {
          posts.push({ url, body: JSON.parse(String(init.body)), headers: init.headers as Record<string, string> })
          return postAnswer()
        }
        return answer(200, PAGE)
      }),
    )
  })
  afterEach(() => vi.unstubAllGlobals())

  async function open() {
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/directory/:companyId/contact', component: CompanyContactView }, { path: '/:p(.*)*', component: { template: '<p />' } }] })
    await router.push('/directory/c-1/contact')
    const w = mount(CompanyContactView, { global: { plugins: [router] }, attachTo: document.body })
    await flushPromises()
    return w
  }

  async function toConfirm(w: Awaited<ReturnType<typeof open>>) {
    await w.get('#f-subject').setValue('部品加工のご相談')
    await w.get('#f-message').setValue('試作をお願いできますか。')
    await w.get('form').trigger('submit')
    await flushPromises()
    expect(w.get('h1').text()).toBe('商談申込確認')
  }

  it('shows the API message of a 429 on the confirm screen and keeps the draft', async () => {
    postAnswer = () => answer(429, { error: { code: 'too_many_requests', message: '商談申込は1日10件までです。明日以降にお試しください。' } }, { 'Retry-After': '3600' })
    const w = await open()
    expect(w.get('[data-testid=contact-company]').text()).toBe('株式会社テスト精工')
    await toConfirm(w)
    await w.get('[data-testid=contact-send]').trigger('click')
    await flushPromises()
    expect(w.get('[data-testid=error-summary]').text()).toContain('商談申込は1日10件までです。')
    expect(w.get('h1').text()).toBe('商談申込確認')
    expect(posts).toHaveLength(1)
    expect(posts[0].url).toBe('/api/directory/c-1/contact')
    expect(posts[0].body).toEqual({ subject: '部品加工のご相談', message: '試作をお願いできますか。' })
    expect(posts[0].headers['Idempotency-Key']).toBeTruthy()
    await w.get('[data-testid=contact-back]').trigger('click')
    await flushPromises()
    expect((w.get('#f-subject').element as HTMLInputElement).value).toBe('部品加工のご相談')
    w.unmount()
  })

  it('goes to 送信完了 on 202 and forgets the draft', async () => {
    postAnswer = () => answer(202, { id: 'bc-1' })
    const w = await open()
    await toConfirm(w)
    await w.get('[data-testid=contact-send]').trigger('click')
    await flushPromises()
    expect(w.get('h1').text()).toBe('送信完了')
    expect(w.get('[data-testid=contact-done]').text()).toContain('直接メールで届きます')
    expect(w.get('[data-testid=to-directory]').text()).toBe('会員企業検索へ')
    expect(w.get('[data-testid=to-portal]').text()).toBe('企業Myポータルへ')
    expect(Object.keys(sessionStorage).filter((k) => k.includes('contact.c-1'))).toEqual([])
    w.unmount()
  })
})
