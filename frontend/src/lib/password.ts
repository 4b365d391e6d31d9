// Password rules (docs/product.md "Passwords"): 8+ characters, at least one
// letter, one digit and one symbol, symbols only from the listed set. The
// members' manual (操作マニュアル) prints the backslash as ¥ (Japanese fonts), so both are accepted.

export const PASSWORD_SYMBOLS = '`~!@#$%^&*()_-+={}[]\\¥|:;"\'<>,.?/'
export const PASSWORD_MIN = 8
export const PASSWORD_MAX = 128

/** Shown on screen as the list of usable symbols (as printed in the manual). */
export const PASSWORD_SYMBOLS_DISPLAY = '` ~ ! @ # $ % ^ & * ( ) _ - + = { } [ ] ¥ | : ; " \' < > , . ? /'

export interface PasswordRule {
  id: 'length' | 'letter' | 'digit' | 'symbol' | 'allowed' | 'max'
  label: string
  ok: boolean
}

const isLetter = (c: string) => /^[A-Za-z]$/.test(c)
const isDigit = (c: string) => /^[0-9]$/.test(c)
const isSymbol = (c: string) => PASSWORD_SYMBOLS.includes(c)

export function passwordRules(pw: string): PasswordRule[] {
  const chars = Array.from(pw)
  return [
    { id: 'length', label: '8文字以上', ok: chars.length >= PASSWORD_MIN },
    { id: 'letter', label: '英字を1文字以上', ok: chars.some(isLetter) },
    { id: 'digit', label: '数字を1文字以上', ok: chars.some(isDigit) },
    { id: 'symbol', label: '記号を1文字以上', ok: chars.some(isSymbol) },
    {
      id: 'allowed',
      label: '英字・数字・使用できる記号のみ',
      ok: chars.length > 0 && chars.every((c) => isLetter(c) || isDigit(c) || isSymbol(c)),
    },
    { id: 'max', label: `${PASSWORD_MAX}文字以内`, ok: chars.length <= PASSWORD_MAX },
  ]
}

export function passwordRulesOk(pw: string): boolean {
  return passwordRules(pw).every((r) => r.ok)
}

export interface PasswordCheckInput {
  password: string
  confirm: string
  current?: string
  email?: string
}

/** Client-side messages for the new password pair; the server has the last word. */
export function validateNewPassword(input: PasswordCheckInput): { password?: string; confirm?: string } {
  const out: { password?: string; confirm?: string } = {}
  const { password, confirm, current, email } = input
  if (!password) out.password = '新しいパスワードを入力してください。'
  else if (!passwordRulesOk(password))
    out.password = 'パスワードは英字・数字・記号を各1文字以上含む8文字以上で、使用できる記号のみで入力してください。'
  else if (current && password === current) out.password = '現在のパスワードと異なるパスワードを入力してください。'
  else if (email && password.toLowerCase() === email.toLowerCase())
    out.password = 'メールアドレスと同じパスワードは使用できません。'
  if (!confirm) out.confirm = '確認のため、新しいパスワードを再度入力してください。'
  else if (password && confirm !== password) out.confirm = '新しいパスワードと確認用のパスワードが一致しません。'
  return out
}

/** The set-a-password forms whose fields are `password` and `password_confirm` (職員招待, ご利用開始): their field errors. */
export const SET_PASSWORD_LABELS: Record<string, string> = { password: 'パスワード', password_confirm: '確認のため再度入力してください。' }

export function setPasswordErrors(password: string, confirm: string): Record<string, string> {
  const v = validateNewPassword({ password, confirm })
  const f: Record<string, string> = {}
  if (v.password) f.password = v.password
  if (v.confirm) f.password_confirm = v.confirm
  return f
}
