import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import SlotPicker from '../SlotPicker.vue'
import { reservationStatusText, slotIsFull } from '../../lib/format'

const slot = (id: string, seats_left: number, waitlist_count = 0) => ({
  id,
  date: '2026-12-20',
  start_time: '14:00',
  end_time: '16:00',
  place: '秋葉原庁舎',
  capacity: 3,
  seats_left,
  waitlist_count,
})

describe('SlotPicker キャンセル待ち', () => {
  const slots = [slot('free', 2), slot('full', 0), slot('queue', 1, 2)]

  it('offers 「キャンセル待ちに登録」 on a full slot when applying', async () => {
    const w = mount(SlotPicker, { props: { slots, modelValue: '', name: 'slot', waitlist: true } })
    expect(w.get('[data-testid=choose-free]').text()).toContain('この日程を選択')
    expect(w.get('[data-testid=choose-full]').text()).toContain('キャンセル待ちに登録')
    // seats left but others already wait: a newcomer waits too
    expect(w.get('[data-testid=choose-queue]').text()).toContain('キャンセル待ちに登録')
    expect(w.get('[data-testid=seats-queue]').text()).toBe('満席（キャンセル待ち 2人）')
    expect(w.get('[data-testid=seats-free]').text()).toBe('2')
    expect(w.find('input[value=full]').attributes('disabled')).toBeUndefined()
    await w.get('input[value=full]').setValue(true)
    expect(w.emitted('update:modelValue')?.[0]).toEqual(['full'])
  })

  it('keeps a full slot unselectable when changing a reservation', () => {
    const w = mount(SlotPicker, { props: { slots, modelValue: 'free', name: 'slot', currentSlotId: 'free' } })
    expect(w.get('[data-testid=choose-full]').text()).toContain('この日程を選択')
    expect(w.find('input[value=full]').attributes('disabled')).toBeDefined()
    expect(w.text()).toContain('満席のため選択できません')
  })
})

describe('予約確認・変更 status', () => {
  it('shows the place in the waiting list', () => {
    expect(reservationStatusText({ status: 'waitlisted', waitlist_position: 2 })).toBe('キャンセル待ち（2番目）')
    expect(reservationStatusText({ status: 'confirmed', waitlist_position: null })).toBe('予約済み')
    expect(slotIsFull({ seats_left: 1, waitlist_count: 1 })).toBe(true)
    expect(slotIsFull({ seats_left: 1 })).toBe(false)
  })
})
