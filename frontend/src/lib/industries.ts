import { api } from '../api/client'
import type { IndustryNode } from '../api/types'

let cache: Promise<IndustryNode[]> | null = null

/** JSIC 大→中→小 classes for the selects (cached for the page's life). */
export function loadIndustries(): Promise<IndustryNode[]> {
  cache ??= api
    .get<{ items: IndustryNode[] }>('/api/industries', { noReauth: true })
    .then((r) => r.items ?? [])
    .catch((e) => {
      cache = null
      throw e
    })
  return cache
}
