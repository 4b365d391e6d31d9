import { describe, expect, it } from 'vitest'
import { router } from '../../router'
import { HELP } from '../help'

// ヘルプ for each screen: the header's ヘルプ button opens /help/<meta.help>.
const WITHOUT_HELP = new Set(['/', '/help', '/help/:screen', '/privacy', '/accessibility', '/:pathMatch(.*)*'])

describe('per-screen help', () => {
  const screens = router.getRoutes().filter((r) => r.components && !WITHOUT_HELP.has(r.path))

  it('covers every screen of the router', () => {
    expect(screens.length).toBeGreaterThan(25)
    const missing = screens.filter((r) => !r.meta.help || !HELP[r.meta.help]).map((r) => r.path)
    expect(missing).toEqual([])
  })

  it('gives every help page a title, an introduction and steps in Japanese', () => {
    for (const [key, page] of Object.entries(HELP)) {
      expect(page.title, key).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/)
      expect(page.intro, key).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/)
      expect(page.steps.length, key).toBeGreaterThan(0)
    }
  })
})
