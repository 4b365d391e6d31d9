// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { outdated } from '../../scripts/gen-api.mjs'

describe('generated API types', () => {
  it('schema.d.ts and rules.ts are what openapi.json gives (run `npm run gen:api` after `make frontend-api`)', async () => {
    expect(await outdated()).toEqual([])
  }, 60_000)
})
