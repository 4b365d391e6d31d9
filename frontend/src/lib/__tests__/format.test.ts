import { describe, expect, it } from 'vitest'
import { auditActionLabel, USAGE_TYPE_LABELS, usageStatusLabel } from '../format'

describe('監査ログ action labels', () => {
  it('puts every action the back end records in Japanese', () => {
    expect(auditActionLabel('inquiry.reply')).toBe('お問い合わせへの回答')
    expect(auditActionLabel('inquiry.close')).toBe('お問い合わせを完了に')
    expect(auditActionLabel('member.approve')).toBe('会員登録の承認')
    expect(auditActionLabel('member.profile.update')).toBe('会員情報の更新')
    expect(auditActionLabel('reservation.attended')).toBe('予約の出席記録')
    expect(auditActionLabel('offering.lottery')).toBe('催しの抽選')
    expect(auditActionLabel('inquiry_kind.delete')).toBe('お問い合わせ種類の削除')
    expect(auditActionLabel('slot.create')).toBe('日程の登録')
    expect(auditActionLabel('directory.contact')).toBe('会員企業検索での商談申込')
  })
  it('keeps an unknown code as it is', () => {
    expect(auditActionLabel('mail.retry')).toBe('mail.retry')
    expect(auditActionLabel('plain')).toBe('plain')
  })
})

describe('利用履歴 labels', () => {
  it('names 商談申込 rows for the sender and the recipient', () => {
    expect(USAGE_TYPE_LABELS.business_contact).toBe('商談申込')
    expect(usageStatusLabel('sent')).toBe('送信済み')
    expect(usageStatusLabel('received')).toBe('受信')
  })
})
