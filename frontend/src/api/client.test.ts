import { afterEach, describe, expect, it, vi } from 'vitest'
import { api, ApiError, newIdempotencyKey, setCsrfToken, setReauthHandler } from './client'

function respond(status: number, body?: unknown) {
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

afterEach(() => {
  vi.unstubAllGlobals()
  setReauthHandler(null)
  setCsrfToken(null)
})

describe('api client', () => {
  it('sends the CSRF token on writes only, and the Idempotency-Key', async () => {
    const fetchMock = vi.fn(async () => respond(201, { id: '1' }))
    vi.stubGlobal('fetch', fetchMock)
    setCsrfToken('tok')
    await api.get('/api/me')
    await api.post('/api/inquiries', { a: 1 }, { idempotencyKey: 'k-1' })
    const calls = fetchMock.mock.calls as unknown as [string, RequestInit][]
    const getHeaders = calls[0][1].headers as Record<string, string>
    const postHeaders = calls[1][1].headers as Record<string, string>
    expect(getHeaders['X-CSRF-Token']).toBeUndefined()
    expect(postHeaders['X-CSRF-Token']).toBe('tok')
    expect(postHeaders['Idempotency-Key']).toBe('k-1')
    expect(calls[1][1].credentials).toBe('same-origin')
  })

  it('on 401 unauthenticated asks to log in again and retries with the same key and the new token', async () => {
    const fetchMock = vi
      .fn()
      .mockResolvedValueOnce(respond(401, { error: { code: 'unauthenticated', message: 'ログインしてください。' } }))
      .mockResolvedValueOnce(respond(201, { id: 'x' }))
    vi.stubGlobal('fetch', fetchMock)
    setCsrfToken('old')
    setReauthHandler(async () => {
      setCsrfToken('new')
      return true
    })
    const res = await api.post<{ id: string }>('/api/inquiries', { content: 'c' }, { idempotencyKey: 'same' })
    expect(res.id).toBe('x')
    const second = fetchMock.mock.calls[1][1] as RequestInit
    expect((second.headers as Record<string, string>)['Idempotency-Key']).toBe('same')
    expect((second.headers as Record<string, string>)['X-CSRF-Token']).toBe('new')
    expect(second.body).toBe(JSON.stringify({ content: 'c' }))
  })

  it('gives up with the API error when the member does not log in again', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => respond(401, { error: { code: 'unauthenticated', message: '期限切れ' } })))
    setReauthHandler(async () => false)
    await expect(api.post('/api/x', {})).rejects.toMatchObject({ status: 401, message: '期限切れ' })
  })

  it('does not ask to log in again for wrong credentials', async () => {
    const handler = vi.fn(async () => true)
    setReauthHandler(handler)
    vi.stubGlobal('fetch', vi.fn(async () => respond(401, { error: { code: 'invalid_credentials', message: '違います' } })))
    await expect(api.post('/api/auth/login', {})).rejects.toBeInstanceOf(ApiError)
    expect(handler).not.toHaveBeenCalled()
  })

  it('turns network failures into a Japanese message', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))))
    await expect(api.get('/api/me')).rejects.toMatchObject({ status: 0, code: 'network_error' })
  })

  it('builds query strings and skips empty values', async () => {
    const fetchMock = vi.fn(async () => respond(200, { items: [] }))
    vi.stubGlobal('fetch', fetchMock)
    await api.get('/api/usage-history', { query: { cursor: undefined, a: 'b c' } })
    expect((fetchMock.mock.calls as unknown as [string][])[0][0]).toBe('/api/usage-history?a=b+c')
  })

  it('makes UUID idempotency keys', () => {
    expect(newIdempotencyKey()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  })
})
