import { ref, type Ref } from 'vue'
import { api, type RequestOptions } from '../api/client'
import type { Page } from '../api/types'
import { mapApiError } from './errors'

/**
 * A cursor-paged list of the API (`{items, next_cursor}`): `load()` fetches the first page,
 * `load(next)` appends the following one. A new first-page load (e.g. another filter) wins over
 * one still running; 「さらに表示」 while a page is loading is ignored.
 */
export function usePagedList<T>(
  path: string | (() => string),
  options: { query?: () => RequestOptions['query']; loadingAtStart?: boolean; onMore?: (added: number) => void; onPage?: (page: Page<T>) => void } = {},
) {
  const items = ref([]) as Ref<T[]>
  const next = ref<string | null>(null)
  const error = ref('')
  const loading = ref(options.loadingAtStart ?? false)
  let latest = 0
  let running = false

  async function load(cursor?: string) {
    if (cursor && running) return
    const call = ++latest
    running = true
    loading.value = true
    error.value = ''
    try {
      const res = await api.get<Page<T>>(typeof path === 'string' ? path : path(), { query: { ...(options.query?.() ?? {}), cursor } })
      if (call !== latest) return
      items.value = cursor ? [...items.value, ...res.items] : res.items
      next.value = res.next_cursor ?? null
      options.onPage?.(res)
      if (cursor) options.onMore?.(res.items.length)
    } catch (e) {
      if (call === latest) error.value = mapApiError(e).message
    } finally {
      if (call === latest) {
        running = false
        loading.value = false
      }
    }
  }
  return { items, next, error, loading, load }
}
