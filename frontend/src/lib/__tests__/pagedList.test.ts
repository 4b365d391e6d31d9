import { afterEach, describe, expect, it, vi } from 'vitest'
import { api } from '../../api/client'
import { usePagedList } from '../pagedList'

afterEach(() => vi.restoreAllMocks())

describe('usePagedList', () => {
  it('loads the first page, appends the next one and passes the filter and cursor', async () => {
    const get = vi
      .spyOn(api, 'get')
      .mockResolvedValueOnce({ items: [1, 2], next_cursor: 'c2' })
      .mockResolvedValueOnce({ items: [3], next_cursor: null })
    const added: number[] = []
    const list = usePagedList<number>('/api/things', { query: () => ({ status: 'open' }), onMore: (n) => added.push(n) })
    await list.load()
    expect(list.items.value).toEqual([1, 2])
    expect(list.next.value).toBe('c2')
    await list.load(list.next.value!)
    expect(list.items.value).toEqual([1, 2, 3])
    expect(list.next.value).toBeNull()
    expect(added).toEqual([1])
    expect(get.mock.calls.map((c) => c[1]?.query)).toEqual([
      { status: 'open', cursor: undefined },
      { status: 'open', cursor: 'c2' },
    ])
  })

  it('a newer first-page load wins over one still running (changing the filter quickly)', async () => {
    let finishOld: (v: unknown) => void = () => {}
    vi.spyOn(api, 'get')
      .mockReturnValueOnce(new Promise((resolve) => (finishOld = resolve)))
      .mockResolvedValueOnce({ items: ['new'], next_cursor: null })
    const list = usePagedList<string>('/api/things')
    const old = list.load()
    await list.load()
    finishOld({ items: ['old'], next_cursor: 'x' })
    await old
    expect(list.items.value).toEqual(['new'])
    expect(list.next.value).toBeNull()
    expect(list.loading.value).toBe(false)
  })

  it('shows the API message in Japanese on failure and keeps what was listed', async () => {
    vi.spyOn(api, 'get')
      .mockResolvedValueOnce({ items: ['a'], next_cursor: 'c' })
      .mockRejectedValueOnce(new Error('network'))
    const list = usePagedList<string>('/api/things')
    await list.load()
    await list.load('c')
    expect(list.items.value).toEqual(['a'])
    expect(list.error.value).not.toBe('')
    expect(list.loading.value).toBe(false)
  })
})
