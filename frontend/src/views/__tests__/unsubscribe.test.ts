import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import UnsubscribeView from '../UnsubscribeView.vue'

// 配信停止: the page changes nothing until the click; the click POSTs {token}.
function answer(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

describe('UnsubscribeView', () => {
  let calls: { url: string; method: string; body: unknown }[]
  let reply: () => Response

  beforeEach(() => {
    calls = []
    reply = () => answer(200, { unsubscribed: true })
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init: RequestInit = {}) => {
        calls.push({ url, method: init.method ?? 'GET', body: init.body ? JSON.parse(String(init.body)) : null })
        return reply()
      }),
    )
  })
  afterEach(() => vi.unstubAllGlobals())

  async function open(path: string) {
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/unsubscribe', component: UnsubscribeView }, { path: '/:p(.*)*', component: { template: '<p />' } }] })
    await router.push(path)
    const w = mount(UnsubscribeView, { global: { plugins: [router] } })
    await flushPromises()
    return w
  }

  it('sends nothing when opened, then POSTs the token on 「配信を停止する」', async () => {
    const w = await open('/unsubscribe?token=abc123')
    expect(calls.filter((c) => c.method !== 'GET')).toEqual([])
    await w.get('[data-testid=unsubscribe-submit]').trigger('click')
    await flushPromises()
    expect(calls).toEqual([{ url: '/api/unsubscribe', method: 'POST', body: { token: 'abc123' } }])
    expect(w.get('[data-testid=unsubscribe-done]').text()).toContain('配信を停止しました')
    expect(w.find('[data-testid=unsubscribe-submit]').exists()).toBe(false)
  })

  it('explains an unknown token and offers no second click', async () => {
    reply = () => answer(400, { error: { code: 'invalid_token', message: 'invalid' } })
    const w = await open('/unsubscribe?token=bogus')
    await w.get('[data-testid=unsubscribe-submit]').trigger('click')
    await flushPromises()
    expect(w.get('[data-testid=unsubscribe-error]').text()).toContain('配信停止のリンクが正しくありません。')
    expect(w.find('[data-testid=unsubscribe-submit]').exists()).toBe(false)
  })

  it('keeps the button after a network failure, and says so', async () => {
    reply = () => {
      throw new TypeError('offline')
    }
    const w = await open('/unsubscribe?token=abc123')
    await w.get('[data-testid=unsubscribe-submit]').trigger('click')
    await flushPromises()
    expect(w.get('[data-testid=unsubscribe-error]').text()).toContain('通信に失敗しました')
    expect(w.find('[data-testid=unsubscribe-submit]').exists()).toBe(true)
  })

  it('without a token: the message and no button', async () => {
    const w = await open('/unsubscribe')
    expect(w.get('[data-testid=unsubscribe-error]').text()).toContain('配信停止のリンクが正しくありません。')
    expect(w.find('[data-testid=unsubscribe-submit]').exists()).toBe(false)
    expect(calls).toEqual([])
  })
})
