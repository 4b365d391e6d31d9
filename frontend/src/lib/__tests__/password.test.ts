import { describe, expect, it } from 'vitest'
import { passwordRules, passwordRulesOk, validateNewPassword } from '../password'

const ok = (pw: string) => passwordRulesOk(pw)

describe('password rules', () => {
  it('accepts 8+ chars with a letter, a digit and a symbol', () => {
    expect(ok('Demo#2026pass')).toBe(true)
    expect(ok('abc123!x')).toBe(true)
  })
  it('refuses short or missing classes', () => {
    expect(ok('ab1!')).toBe(false)
    expect(ok('abcdefgh1')).toBe(false) // no symbol
    expect(ok('abcdefgh!')).toBe(false) // no digit
    expect(ok('12345678!')).toBe(false) // no letter
  })
  it('accepts both backslash and yen sign as the ¥ symbol', () => {
    expect(ok('abc1234\\')).toBe(true)
    expect(ok('abc1234¥')).toBe(true)
  })
  it('accepts every listed symbol', () => {
    for (const s of '`~!@#$%^&*()_-+={}[]\\¥|:;"\'<>,.?/') expect(ok(`abcd123${s}`), s).toBe(true)
  })
  it('refuses characters outside the allowed set', () => {
    expect(ok('abc 123!x')).toBe(false) // space
    expect(ok('abcあ123!')).toBe(false)
    expect(ok('ａｂｃ123!xy')).toBe(false) // full-width letters
  })
  it('reports each rule for the live checklist', () => {
    const r = passwordRules('abc')
    expect(r.find((x) => x.id === 'letter')!.ok).toBe(true)
    expect(r.find((x) => x.id === 'digit')!.ok).toBe(false)
    expect(r.find((x) => x.id === 'length')!.ok).toBe(false)
  })
  it('validates the pair, the current password and the e-mail', () => {
    expect(validateNewPassword({ password: 'Demo#2026pass', confirm: 'Demo#2026pass' })).toEqual({})
    expect(validateNewPassword({ password: 'Demo#2026pass', confirm: 'x' }).confirm).toMatch('一致しません')
    expect(validateNewPassword({ password: 'Demo#2026pass', confirm: 'Demo#2026pass', current: 'Demo#2026pass' }).password).toMatch('現在のパスワード')
    expect(validateNewPassword({ password: 'a1@b.example', confirm: 'a1@b.example', email: 'A1@b.example' }).password).toMatch('メールアドレス')
    expect(validateNewPassword({ password: '', confirm: '' }).password).toBeTruthy()
  })
})
