import type { ErrorBody, FieldError } from './types'

/** An error answered by the API (or a network failure, status 0). */
export class ApiError extends Error {
  status: number
  code: string
  fields: FieldError[]
  retryAfter: number | null

  constructor(status: number, code: string, message: string, fields: FieldError[] = [], retryAfter: number | null = null) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.fields = fields
    this.retryAfter = retryAfter
  }
}

export const NETWORK_MESSAGE = '通信に失敗しました。ネットワークの状態を確認して、もう一度お試しください。'
export const SERVER_MESSAGE = 'システムエラーが発生しました。しばらくしてから、もう一度お試しください。'

const FALLBACK_MESSAGES: Record<number, string> = {
  400: '入力内容に誤りがあります。',
  401: 'ログインの有効期限が切れました。もう一度ログインしてください。',
  403: 'この操作は行えません。',
  404: '対象が見つかりません。',
  409: 'ほかの操作と競合しました。画面を更新して、もう一度お試しください。',
  410: '有効期限が切れています。',
  413: 'ファイルのサイズが大きすぎます。',
  429: '操作が集中しています。しばらくしてから、もう一度お試しください。',
}

export function errorFromResponse(status: number, body: unknown, retryAfter: number | null = null): ApiError {
  const e = (body as ErrorBody | null)?.error
  if (e && typeof e === 'object') {
    return new ApiError(
      status,
      String(e.code ?? 'error'),
      String(e.message || FALLBACK_MESSAGES[status] || SERVER_MESSAGE),
      Array.isArray(e.fields) ? e.fields : [],
      retryAfter,
    )
  }
  return new ApiError(status, status >= 500 ? 'server_error' : 'error', FALLBACK_MESSAGES[status] ?? SERVER_MESSAGE, [], retryAfter)
}

// --- session-wide state the client needs -----------------------------------

let csrfToken: string | null = null
export function setCsrfToken(token: string | null | undefined) {
  csrfToken = token ?? null
}
export function getCsrfToken() {
  return csrfToken
}

/**
 * Called when an authenticated request gets 401 `unauthenticated`. Should ask
 * the member to log in again (without leaving the page) and resolve true when
 * they did, false when they gave up. Installed by the session store.
 */
type ReauthHandler = () => Promise<boolean>
let reauthHandler: ReauthHandler | null = null
export function setReauthHandler(h: ReauthHandler | null) {
  reauthHandler = h
}

export interface RequestOptions {
  body?: unknown
  headers?: Record<string, string>
  idempotencyKey?: string
  /** Do not open the re-login dialog on 401 (login, /me probing). */
  noReauth?: boolean
  query?: Record<string, string | number | boolean | null | undefined>
}

function buildUrl(path: string, query?: RequestOptions['query']): string {
  if (!query) return path
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v))
  const s = q.toString()
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path
}

async function once<T>(method: string, path: string, opts: RequestOptions): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...(opts.headers ?? {}) }
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json'
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken
  if (opts.idempotencyKey) headers['Idempotency-Key'] = opts.idempotencyKey
  let res: Response
  try {
    res = await fetch(buildUrl(path, opts.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
    })
  } catch {
    throw new ApiError(0, 'network_error', NETWORK_MESSAGE)
  }
  if (res.status === 204) return undefined as T
  const text = await res.text()
  let data: unknown = null
  if (text) {
    try {
      data = JSON.parse(text)
    } catch {
      data = null
    }
  }
  if (!res.ok) {
    const ra = res.headers.get('Retry-After')
    throw errorFromResponse(res.status, data, ra ? Number(ra) || null : null)
  }
  return data as T
}

/** Requests under way (App.vue holds the first screen's late parts until its data has come). */
let inflight = 0
const inflightListeners = new Set<(n: number) => void>()
export const requestsInFlight = () => inflight
/** Calls `listener` with the number of requests under way whenever it changes; returns the unsubscribe. */
export function onRequestsInFlight(listener: (n: number) => void): () => void {
  inflightListeners.add(listener)
  return () => inflightListeners.delete(listener)
}
function countInFlight(delta: number) {
  inflight += delta
  inflightListeners.forEach((l) => l(inflight))
}

/** Counts `work` (e.g. a screen's chunk loading) as a request under way until it settles. */
export async function whileLoading<T>(work: Promise<T>): Promise<T> {
  countInFlight(1)
  try {
    return await work
  } finally {
    countInFlight(-1)
  }
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  countInFlight(1)
  try {
    return await attempt<T>(method, path, opts)
  } finally {
    countInFlight(-1)
  }
}

async function attempt<T>(method: string, path: string, opts: RequestOptions): Promise<T> {
  try {
    return await once<T>(method, path, opts)
  } catch (e) {
    if (
      e instanceof ApiError &&
      e.status === 401 &&
      e.code !== 'invalid_credentials' &&
      !opts.noReauth &&
      reauthHandler
    ) {
      // Session expired while the member was typing: keep the page (and the
      // form) as it is, ask them to log in again, then send the same request
      // again (same Idempotency-Key, fresh CSRF token).
      const ok = await reauthHandler()
      if (ok) return await once<T>(method, path, opts)
    }
    throw e
  }
}

export const api = {
  get: <T>(path: string, opts?: RequestOptions) => request<T>('GET', path, opts),
  post: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('POST', path, { ...opts, body }),
  put: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('PUT', path, { ...opts, body }),
  patch: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('PATCH', path, { ...opts, body }),
  del: <T>(path: string, opts?: RequestOptions) => request<T>('DELETE', path, opts),
}

export function newIdempotencyKey(): string {
  const c = globalThis.crypto as Crypto | undefined
  if (c && typeof c.randomUUID === 'function') return c.randomUUID()
  // Fallback for old browsers / plain-http origins other than localhost.
  const b = new Uint8Array(16)
  if (c?.getRandomValues) c.getRandomValues(b)
  else for (let i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256)
  b[6] = (b[6] & 0x0f) | 0x40
  b[8] = (b[8] & 0x3f) | 0x80
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}
