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

/** A staff account's password was right: the second factor comes next (no session yet). */
export interface MfaChallenge {
  mfa: 'enrol' | 'verify'
  mfa_token: string
}

/** The login form: a member's session at once, or a staff account's second step. */
export async function login(email: string, password: string): Promise<{ me: Me } | { challenge: MfaChallenge }> {
  const res = await api.post<{ member: Me; csrf_token: string } | MfaChallenge>('/api/auth/login', { email, password }, { noReauth: true })
  if ('mfa' in res) return { challenge: res }
  setMe(res.member, res.csrf_token)
  session.checked = true
  return { me: res.member }
}

/** 2段階認証の設定: the secret (as text and as the otpauth URI the QR code draws). */
export async function enrolMfa(mfaToken: string): Promise<{ secret: string; otpauth_uri: string }> {
  return api.post('/api/auth/mfa/enrol', { mfa_token: mfaToken }, { noReauth: true })
}

/** The second step: a code (or a recovery code) → the session; the first after enrolment brings the recovery codes. */
export async function verifyMfa(mfaToken: string, answer: { code?: string; recovery_code?: string }): Promise<{ me: Me; recoveryCodes: string[] | null }> {
  const res = await api.post<{ member: Me; csrf_token: string; recovery_codes?: string[] | null }>(
    '/api/auth/mfa/verify',
    { mfa_token: mfaToken, ...answer },
    { noReauth: true },
  )
  setMe(res.member, res.csrf_token)
  session.checked = true
  return { me: res.member, recoveryCodes: res.recovery_codes ?? null }
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
/** staff and admin: the staff console (an admin also manages staff and departments). */
export const isStaffRole = (role: string | undefined | null) => role === 'staff' || role === 'admin'
export const isStaff = () => isStaffRole(session.me?.role)
export const isAdmin = () => session.me?.role === 'admin'
