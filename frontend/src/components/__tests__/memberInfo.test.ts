import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import MemberInfoBlock from '../MemberInfoBlock.vue'
import { api } from '../../api/client'
import { session } from '../../stores/session'
import type { Me } from '../../api/types'

describe('MemberInfoBlock 会員情報', () => {
  afterEach(() => {
    vi.restoreAllMocks()
    session.me = null
  })

  it('draws every row before the profile arrives, so the form below does not move', async () => {
    session.me = { email: 'a@example.jp', company_name: '株式会社テスト', user_name: '山田太郎' } as Me
    let resolve: (v: unknown) => void = () => {}
    vi.spyOn(api, 'get').mockReturnValue(new Promise((r) => (resolve = r)) as never)
    const w = mount(MemberInfoBlock)
    const dl = w.get('[data-testid=member-info]')
    expect(dl.attributes('aria-busy')).toBe('true')
    expect(dl.findAll('dd')).toHaveLength(6)
    expect(dl.text()).toContain('a@example.jp')
    expect(dl.text()).toContain('株式会社テスト')
    // an empty row keeps its height with a no-break space
    expect(dl.findAll('dd')[4].element.textContent).toBe('\u00a0')
    resolve({ company_name: '株式会社テスト', office_name: '本社', user: { email: 'a@example.jp', name: '山田太郎', name_kana: 'ヤマダタロウ', phone: '03-1234-5678' } })
    await flushPromises()
    expect(dl.attributes('aria-busy')).toBeUndefined()
    expect(dl.findAll('dd').map((d) => d.text())).toEqual(['a@example.jp', '株式会社テスト', '本社', '山田太郎', 'ヤマダタロウ', '03-1234-5678'])
  })
})
