import { describe, expect, it } from 'vitest'
import { checkFileSize, MAX_FILE_BYTES } from '../files'

describe('10MB check before upload', () => {
  it('allows exactly 10,485,760 bytes', () => {
    expect(MAX_FILE_BYTES).toBe(10485760)
    expect(checkFileSize({ name: 'a.pdf', size: 10485760 })).toBeNull()
  })
  it('refuses one byte more, pointing to compression', () => {
    const m = checkFileSize({ name: '資料.xlsx', size: 10485761 })
    expect(m).toContain('資料.xlsx')
    expect(m).toContain('10MB')
    expect(m).toContain('圧縮')
  })
  it('refuses empty files', () => {
    expect(checkFileSize({ name: 'e.txt', size: 0 })).toContain('空')
  })
})
