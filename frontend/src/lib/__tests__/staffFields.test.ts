import { describe, expect, it } from 'vitest'
import { emptyStaffFields, staffFieldId, staffFieldsFromApi, staffFieldsPayload, validateStaffFields } from '../staffFields'

describe('公社登録情報 (staff-only fields)', () => {
  it('reads the API values as form strings, missing and null as blank', () => {
    expect(staffFieldsFromApi({ member_number: 'NC-0001', joined_on: '2026-04-01', note: null, unknown: 'x' })).toEqual({
      member_number: 'NC-0001',
      joined_on: '2026-04-01',
      withdrawn_on: '',
      member_rank: '',
      note: '',
    })
    expect(staffFieldsFromApi(undefined)).toEqual(emptyStaffFields())
  })

  it('accepts an empty form and valid values', () => {
    expect(validateStaffFields(emptyStaffFields())).toEqual({})
    expect(
      validateStaffFields({ member_number: 'NC-2026-0001', joined_on: '2026-04-01', withdrawn_on: '2026-04-01', member_rank: '一般会員', note: 'メモ' }),
    ).toEqual({})
  })

  it('refuses impossible dates with a message naming the field', () => {
    const v = { ...emptyStaffFields(), joined_on: '2026-02-30', withdrawn_on: '2026/05/01' }
    const errors = validateStaffFields(v)
    expect(errors['staff_fields.joined_on']).toContain('入会日')
    expect(errors['staff_fields.withdrawn_on']).toContain('退会日')
  })

  it('refuses a 退会日 before the 入会日', () => {
    const errors = validateStaffFields({ ...emptyStaffFields(), joined_on: '2026-04-01', withdrawn_on: '2026-03-31' })
    expect(errors).toEqual({ 'staff_fields.withdrawn_on': '退会日は入会日以降の日付を入力してください。' })
  })

  it('counts characters as a person does (limits 20 / 50 / 2000)', () => {
    expect(validateStaffFields({ ...emptyStaffFields(), member_number: 'あ'.repeat(20) })).toEqual({})
    expect(validateStaffFields({ ...emptyStaffFields(), member_number: 'あ'.repeat(21) })['staff_fields.member_number']).toContain('20文字以内')
    expect(validateStaffFields({ ...emptyStaffFields(), member_rank: '👨‍👩‍👧'.repeat(50) })).toEqual({})
    expect(validateStaffFields({ ...emptyStaffFields(), note: 'x'.repeat(2001) })['staff_fields.note']).toContain('2000文字以内')
  })

  it('sends trimmed values and blanks as null (clears the field)', () => {
    expect(staffFieldsPayload({ member_number: ' NC-1 ', joined_on: '', withdrawn_on: '', member_rank: '  ', note: '\n一行目\n二行目\n' })).toEqual({
      member_number: 'NC-1',
      joined_on: null,
      withdrawn_on: null,
      member_rank: null,
      note: '一行目\n二行目',
    })
  })

  it('names controls as the error summary expects', () => {
    expect(staffFieldId('joined_on')).toBe('f-staff_fields-joined_on')
  })
})
