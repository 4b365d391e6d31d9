import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import ProfileView from '../ProfileView.vue'

// My情報管理: お取引エリア・加工分類 stored before their lists, that the server could not map onto them, are named
// with a request to choose them again in My情報更新 (issue 27); a profile of list values shows no such notice.
function answer(body: unknown) {
  return new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } })
}

describe('ProfileView', () => {
  let profile: Record<string, unknown>

  beforeEach(() => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) => {
        if (url.includes('/api/profile/public-view')) return answer({ published: false, page: { company_id: 'c', company_name: 'A' } })
        if (url.includes('/api/industries')) return answer({ revision: '13', items: [] })
        return answer(profile)
      }),
    )
  })
  afterEach(() => vi.unstubAllGlobals())

  async function open() {
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { template: '<p />' } }] })
    await router.push('/profile')
    const w = mount(ProfileView, { global: { plugins: [router] } })
    await flushPromises()
    return w
  }

  it('names the stored values the lists do not have and asks to choose them again', async () => {
    profile = { company_name: 'A', trade_areas: ['東京都内', '多摩地区'], processing_categories: ['プレス'], user: { email: 'a@example.jp' } }
    const w = await open()
    const notice = w.get('[data-testid=unlisted-choices]')
    expect(notice.text()).toContain('お取引エリアの「多摩地区」は選択肢にありません。')
    expect(notice.text()).toContain('「My情報更新へ」から当てはまるものを選び直してください。')
    expect(notice.text()).not.toContain('チェックを外して') // no checkboxes on this screen
    expect(notice.text()).not.toContain('加工分類')
    expect(w.get('[data-field=trade_areas]').text()).toContain('多摩地区') // shown as stored, not dropped
  })

  it('shows no notice for values of the lists', async () => {
    profile = { company_name: 'A', trade_areas: ['東京都内'], processing_categories: ['プレス'], user: { email: 'a@example.jp' } }
    const w = await open()
    expect(w.find('[data-testid=unlisted-choices]').exists()).toBe(false)
  })
})
