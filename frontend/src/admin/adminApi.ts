import { api, ApiError } from '../api/client'

/**
 * GETs the first path that exists: staff list endpoints that API.md does not
 * name fall back to the public/member ones (e.g. /api/admin/events → /api/events).
 */
export async function getFirst<T>(paths: string[]): Promise<T> {
  let last: unknown = null
  for (const p of paths) {
    try {
      return await api.get<T>(p)
    } catch (e) {
      last = e
      if (e instanceof ApiError && (e.status === 404 || e.status === 405) && e.code !== 'not_found_item') continue
      throw e
    }
  }
  throw last
}

export const enc = encodeURIComponent
