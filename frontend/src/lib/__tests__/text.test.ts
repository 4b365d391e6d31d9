import { describe, expect, it } from 'vitest'
import { countChars, counterText } from '../text'

describe('countChars counts as a person counts', () => {
  it('counts Japanese and ASCII one each', () => {
    expect(countChars('相談したい')).toBe(5)
    expect(countChars('abc')).toBe(3)
    expect(countChars('')).toBe(0)
  })
  it('counts surrogate pairs and emoji sequences as one', () => {
    expect(countChars('𠮷野家')).toBe(3)
    expect(countChars('👨‍👩‍👧')).toBe(1)
    expect(countChars('👍🏽')).toBe(1)
    expect(countChars('🇯🇵')).toBe(1)
  })
  it('counts a combining mark with its base as one', () => {
    expect(countChars('か\u3099')).toBe(1)
    expect(countChars('e\u0301')).toBe(1)
  })
  it('counts CRLF as one line break', () => {
    expect(countChars('a\r\nb')).toBe(3)
    expect(countChars('a\nb')).toBe(3)
  })
  it('800 characters are allowed, 801 are over', () => {
    expect(countChars('あ'.repeat(800))).toBe(800)
    expect(counterText(800, 800)).toContain('残り0文字')
    expect(counterText(801, 800)).toContain('1文字超過')
  })
})
