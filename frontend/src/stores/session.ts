import { reactive } from 'vue'
import { api, ApiError, setCsrfToken, setReauthHandler } from '../api/client'
import type { Me } from '../api/types'

interface SessionState {
  me: Me | null
  /** true once GET /api/me has been tried in this page load */
  checked: boolean
  /** the re-login dialog (session expired while working) */
  reauthOpen: boolean
}

export const session = reactive<SessionState>({ me: null, checked: false, reauthOpen: false })

let reauthWaiters: ((ok: boolean) => void)[] = []

export function setMe(me: Me | null, csrf?: string | null) {
  session.me = me
  setCsrfToken(csrf ?? me?.csrf_token ?? null)
}

/** Loads the member behind the cookie (and the CSRF token after a reload). */
export async function loadMe(force = false): Promise<Me | null> {
  if (session.checked && !force) return session.me
  try {
    const me = await api.get<Me>('/api/me', { noReauth: true })
    setMe(me, me.csrf_token)
  } catch (e) {
    if (e instanceof ApiError && (e.status === 401 || e.status === 403)) setMe(null)
    else {
      session.checked = true
      throw e
    }
  }
  session.checked = true
  return session.me
}

export async function login(email: string, password: string): Promise<Me> {
  const res = await api.post<{ member: Me; csrf_token: string }>('/api/auth/login', { email, password }, { noReauth: true })
  setMe(res.member, res.csrf_token)
  session.checked = true
  return res.member
}

export async function logout(): Promise<void> {
  try {
    await api.post('/api/auth/logout', undefined, { noReauth: true })
  } catch {
    // Even if the server could not be reached, forget the session locally.
  }
  setMe(null)
  session.checked = true
}

/** Opens the re-login dialog and waits for the outcome. */
export function requestReauth(): Promise<boolean> {
  session.reauthOpen = true
  return new Promise((resolve) => reauthWaiters.push(resolve))
}

export function finishReauth(ok: boolean) {
  session.reauthOpen = false
  const w = reauthWaiters
  reauthWaiters = []
  w.forEach((r) => r(ok))
}

setReauthHandler(() => {
  // Only ask to log in again when someone was logged in; visitors get the plain error.
  if (!session.me) return Promise.resolve(false)
  return requestReauth()
})

export const isActive = () => session.me?.status === 'active'
export const isStaff = () => session.me?.role === 'staff'
