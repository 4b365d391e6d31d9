import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { nextTick, reactive } from 'vue'
import PasswordChecklist from '../PasswordChecklist.vue'
import CharCounter from '../CharCounter.vue'
import FormField from '../FormField.vue'
import NewPasswordFields from '../NewPasswordFields.vue'
import EmailTwiceFields from '../EmailTwiceFields.vue'
import PagedListFrame from '../PagedListFrame.vue'
import ProfileForm from '../ProfileForm.vue'
import { emptyProfile, validateProfile } from '../../lib/profile'
import { PROCESSING_CHOICES, TRADE_AREA_CHOICES } from '../../api/rules'

describe('PasswordChecklist', () => {
  it('ticks rules live as the password grows', async () => {
    const w = mount(PasswordChecklist, { props: { password: 'abc', id: 'c' } })
    expect(w.findAll('li[data-ok=false]').length).toBeGreaterThan(0)
    await w.setProps({ password: 'abc1234¥' })
    expect(w.findAll('li[data-ok=false]')).toHaveLength(0)
  })
})

describe('CharCounter', () => {
  it('counts graphemes and flags going over 800', async () => {
    const w = mount(CharCounter, { props: { text: '👨‍👩‍👧あ', max: 800, id: 'n' } })
    expect(w.get('[data-testid=char-counter]').attributes('data-count')).toBe('2')
    await w.setProps({ text: 'あ'.repeat(801) })
    expect(w.get('[data-testid=char-counter]').text()).toContain('1文字超過')
    expect(w.text()).toContain('超過しています')
  })
})

describe('FormField', () => {
  it('wires the error to the control with aria-describedby / aria-invalid', () => {
    const w = mount(FormField, {
      props: { id: 'f-x', label: '相談内容', required: true, error: '入力してください。', hint: 'ヒント' },
      slots: { default: `<template #default="{ describedby, invalid }"><input id="f-x" :aria-describedby="describedby" :aria-invalid="invalid" /></template>` },
    })
    const input = w.get('input')
    expect(input.attributes('aria-invalid')).toBe('true')
    expect(input.attributes('aria-describedby')).toBe('f-x-hint f-x-error')
    expect(w.get('#f-x-error').text()).toBe('入力してください。')
    expect(w.get('label').attributes('for')).toBe('f-x')
    expect(w.text()).toContain('必須')
  })
})

describe('ProfileForm', () => {
  const industries = [{ code: 'E', name: '製造業', children: [{ code: '24', name: '金属製品製造業', children: [{ code: '2441', name: '建設用金属製品製造業' }] }] }]
  const badge = (w: ReturnType<typeof mount>, id: string) => w.find(`label[for='${id}'] .badge-required`).exists()

  it('marks 業種(大)(中), 資本金, 従業員数, 事業所名 必須 live when 法人 is chosen', async () => {
    const profile = reactive(emptyProfile())
    const w = mount(ProfileForm, { props: { profile, errors: {}, industries } })
    for (const id of ['f-office_name', 'f-capital_thousand_yen', 'f-employees-total', 'f-industry-major', 'f-industry-middle']) expect(badge(w, id)).toBe(false)
    await w.get('#f-corporate_type').setValue(true) // 法人
    expect(profile.corporate_type).toBe('corporation')
    for (const id of ['f-office_name', 'f-capital_thousand_yen', 'f-employees-total', 'f-industry-major', 'f-industry-middle']) expect(badge(w, id)).toBe(true)
    expect(badge(w, 'f-industry-minor')).toBe(false)
    await w.get('#f-corporate_type-founder').setValue(true)
    expect(badge(w, 'f-office_name')).toBe(false)
  })

  it('cascades the JSIC selects and resets lower levels', async () => {
    const profile = reactive(emptyProfile())
    const w = mount(ProfileForm, { props: { profile, errors: {}, industries } })
    expect(w.get('#f-industry-middle').attributes('disabled')).toBeDefined()
    await w.get('#f-industry-major').setValue('E')
    await w.get('#f-industry-middle').setValue('24')
    await w.get('#f-industry-minor').setValue('2441')
    expect(profile.industry).toEqual({ major: 'E', middle: '24', minor: '2441' })
    await w.get('#f-industry-major').setValue('')
    expect(profile.industry).toEqual({ major: '', middle: '', minor: '' })
  })

  it('adds and removes equipment rows, and shows nested field errors on the row', async () => {
    const profile = reactive(emptyProfile())
    const w = mount(ProfileForm, { props: { profile, errors: { 'equipment.0.name': '名称を入力してください。' }, industries } })
    await w.get('[data-testid=equipment-add]').trigger('click')
    await nextTick()
    expect(profile.equipment).toHaveLength(1)
    expect(w.get('#f-equipment-0-name').attributes('aria-invalid')).toBe('true')
    expect(w.text()).toContain('名称を入力してください。')
    const remove = w.get('[data-testid=equipment-remove-0]')
    expect(remove.text()).toBe('設備 1 を削除') // the visible text is the accessible name (WCAG 2.5.3)
    expect(remove.attributes('aria-label')).toBeUndefined()
    await remove.trigger('click')
    expect(profile.equipment).toHaveLength(0)
  })

  it('moves the focus to a new equipment row, and after a removal to the next 削除 or to 設備を追加', async () => {
    const profile = reactive(emptyProfile())
    const w = mount(ProfileForm, { props: { profile, errors: {}, industries }, attachTo: document.body })
    await w.get('[data-testid=equipment-add]').trigger('click')
    await nextTick()
    expect(document.activeElement?.id).toBe('f-equipment-0-capability_class')
    await w.get('[data-testid=equipment-add]').trigger('click')
    await nextTick()
    expect(document.activeElement?.id).toBe('f-equipment-1-capability_class')
    await w.get('[data-testid=equipment-remove-0]').trigger('click')
    await nextTick()
    expect(document.activeElement?.getAttribute('data-testid')).toBe('equipment-remove-0') // the row that moved up
    await w.get('[data-testid=equipment-remove-0]').trigger('click')
    await nextTick()
    expect(document.activeElement?.getAttribute('data-testid')).toBe('equipment-add')
    w.unmount()
  })

  it('selects several mail magazine genres', async () => {
    const profile = reactive(emptyProfile())
    const w = mount(ProfileForm, { props: { profile, errors: {}, industries } })
    await w.get('#f-subscriptions-mail_magazine_genres').setValue(true)
    await w.get('#f-subscriptions-mail_magazine_genres-e_argus').setValue(true)
    expect(profile.subscriptions.mail_magazine_genres).toEqual(['netclub_magazine', 'e_argus'])
  })

  it('offers お取引エリア and 加工分類 as the server\'s lists, kept in the list\'s order', async () => {
    const profile = reactive(emptyProfile())
    const w = mount(ProfileForm, { props: { profile, errors: {}, industries } })
    const areas = w.get('[data-testid="choices-trade_areas"]').findAll('input[type=checkbox]')
    expect(areas.map((a) => a.attributes('value'))).toEqual([...TRADE_AREA_CHOICES])
    expect(w.get('[data-testid="choices-processing_categories"]').findAll('input').map((a) => a.attributes('value'))).toEqual([...PROCESSING_CHOICES])
    expect(w.find('#f-trade_areas').attributes('value')).toBe('東京都内')
    expect(w.find('textarea#f-trade_areas').exists()).toBe(false) // no free text any more
    await areas[8].setValue(true) // 全国
    await areas[1].setValue(true) // 関東
    expect(profile.trade_areas).toEqual(['関東', '全国'])
    await areas[1].setValue(false)
    expect(profile.trade_areas).toEqual(['全国'])
  })

  it('shows a stored value the list does not have checked, asks to choose again, and drops it only when unchecked', async () => {
    const profile = reactive({ ...emptyProfile(), trade_areas: ['東京都内', '多摩地区'] })
    expect(validateProfile(profile).trade_areas).toBe(
      'お取引エリアの「多摩地区」は選択肢にありません。チェックを外して、当てはまるものを選び直してください。',
    )
    const w = mount(ProfileForm, { props: { profile, errors: {}, industries } })
    expect(w.get('[data-testid="unlisted-trade_areas"]').text()).toContain('「多摩地区」は選択肢にありません')
    const old = w.get('[data-testid="choices-trade_areas"] input[value="多摩地区"]')
    expect((old.element as HTMLInputElement).checked).toBe(true)
    expect(old.element.parentElement?.textContent).toContain('（選択肢にありません）')
    await w.get('[data-testid="choices-trade_areas"] input[value="関東"]').setValue(true)
    expect(profile.trade_areas).toEqual(['東京都内', '関東', '多摩地区']) // kept while it is checked
    await old.setValue(false)
    expect(profile.trade_areas).toEqual(['東京都内', '関東'])
    expect(w.find('[data-testid="unlisted-trade_areas"]').exists()).toBe(false)
    expect(validateProfile(profile).trade_areas).toBeUndefined()
  })
})

describe('NewPasswordFields', () => {
  it('binds both fields, shows the checklist live and puts each error on its field', async () => {
    const model = reactive({ password: '', confirm: '' })
    const w = mount(NewPasswordFields, {
      props: {
        errors: { new_password_confirm: '新しいパスワードと確認用のパスワードが一致しません。' },
        password: model.password,
        'onUpdate:password': (v: string) => (model.password = v),
        confirm: model.confirm,
        'onUpdate:confirm': (v: string) => (model.confirm = v),
      },
    })
    await w.get('#f-new_password').setValue('abc1234¥')
    await w.get('#f-new_password_confirm').setValue('abc1234\\')
    expect(model).toEqual({ password: 'abc1234¥', confirm: 'abc1234\\' })
    await w.setProps({ password: model.password })
    expect(w.findAll('li[data-ok=false]')).toHaveLength(0)
    expect(w.get('#f-new_password').attributes('aria-invalid')).toBeUndefined()
    expect(w.get('#f-new_password_confirm').attributes('aria-invalid')).toBe('true')
    expect(w.get('#f-new_password_confirm-error').text()).toContain('一致しません')
    expect(w.text()).toContain('【英数記号8文字以上】')
  })

  it('serves the registration form under the API names password / password_confirm', () => {
    const w = mount(NewPasswordFields, {
      props: { errors: { password: 'パスワードを入力してください。' }, name: 'password', label: 'パスワード', password: '', confirm: '' },
    })
    expect(w.get('label[for=f-password]').text()).toContain('パスワード')
    expect(w.get('#f-password').attributes('aria-invalid')).toBe('true')
    expect(w.get('#f-password-error').text()).toBe('パスワードを入力してください。')
    expect(w.find('#f-password_confirm').exists()).toBe(true)
    expect(w.find('#f-new_password').exists()).toBe(false)
  })
})

describe('EmailTwiceFields', () => {
  it('binds both addresses and shows the hint and errors on their fields', async () => {
    const model = reactive({ email: '', emailConfirm: '' })
    const w = mount(EmailTwiceFields, {
      props: {
        errors: { email: 'メールアドレスの形式が正しくありません。' },
        hint: '会員ID（ログインID）になります。',
        email: model.email,
        'onUpdate:email': (v: string) => (model.email = v),
        emailConfirm: model.emailConfirm,
        'onUpdate:emailConfirm': (v: string) => (model.emailConfirm = v),
      },
    })
    await w.get('#f-email').setValue('a@example.jp')
    await w.get('#f-email_confirm').setValue('b@example.jp')
    expect(model).toEqual({ email: 'a@example.jp', emailConfirm: 'b@example.jp' })
    expect(w.get('#f-email').attributes('aria-describedby')).toBe('f-email-hint f-email-error')
    expect(w.get('#f-email-hint').text()).toBe('会員ID（ログインID）になります。')
    expect(w.get('#f-email_confirm').attributes('aria-invalid')).toBeUndefined()
  })
})

describe('PagedListFrame', () => {
  const slots = { default: '<table data-testid="rows"></table>' }
  const base = { error: '', loading: false, count: 0, next: null, empty: '予約はありません。' }

  it('shows 読み込み中… first, then the empty line, then the list with さらに表示', async () => {
    const w = mount(PagedListFrame, { props: { ...base, loading: true }, slots })
    expect(w.text()).toContain('読み込み中…')
    await w.setProps({ loading: false })
    expect(w.text()).toContain('予約はありません。')
    expect(w.find('[data-testid=rows]').exists()).toBe(false)
    await w.setProps({ count: 2, next: 'cursor-2' })
    expect(w.find('[data-testid=rows]').exists()).toBe(true)
    expect(w.text()).not.toContain('予約はありません。')
    await w.get('button').trigger('click')
    expect(w.emitted('more')).toHaveLength(1)
    await w.setProps({ loading: true })
    expect(w.get('button').attributes('disabled')).toBeDefined()
  })

  it('announces an error and keeps the rows already shown', () => {
    const w = mount(PagedListFrame, { props: { ...base, count: 3, error: '通信エラーが発生しました。' }, slots })
    expect(w.get('[role=alert]').text()).toBe('通信エラーが発生しました。')
    expect(w.find('[data-testid=rows]').exists()).toBe(true)
    expect(w.text()).not.toContain('予約はありません。')
  })
})
