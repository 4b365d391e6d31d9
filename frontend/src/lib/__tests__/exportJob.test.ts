import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ExportJob } from '../../api/types'
import { useExportJob } from '../exportJob'

// 名簿出力: start (202), poll until ready, download through the link; failures told in Japanese.
const JOB: ExportJob = {
  export_id: 'e-1',
  kind: 'members',
  service: 'argus',
  offering_id: null,
  status: 'queued',
  filename: '名簿-アーガス送付-2026-12-07.csv',
  rows: null,
  size: null,
  download_url: null,
  download_expires_in: null,
  failed_message: null,
  created_at: '2026-12-07T10:00:00+09:00',
  updated_at: null,
}

function answer(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

describe('useExportJob', () => {
  let states: ExportJob[]
  let posted: unknown[]
  let startAnswer: () => Response

  beforeEach(() => {
    posted = []
    startAnswer = () => answer(202, JOB)
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init: RequestInit = {}) => {
        if (init.method === 'POST') {
          posted.push(JSON.parse(String(init.body)))
          return startAnswer()
        }
        expect(url).toBe('/api/admin/exports/e-1')
        return answer(200, states.shift())
      }),
    )
  })
  afterEach(() => vi.unstubAllGlobals())

  it('polls until the file is ready, then downloads it through the link', async () => {
    states = [
      { ...JOB, status: 'running' },
      { ...JOB, status: 'ready', rows: 3, size: 400, download_url: 'https://bucket/exports/e-1.csv?sig', download_expires_in: 300 },
    ]
    const saved: string[] = []
    const seen: string[] = []
    const job = useExportJob(async () => {
      seen.push(job.job.value?.status ?? '')
    }, (url) => saved.push(url))
    const done = await job.run({ kind: 'members', service: 'argus' })
    expect(posted).toEqual([{ kind: 'members', service: 'argus' }])
    expect(seen).toEqual(['queued', 'running'])
    expect(done?.status).toBe('ready')
    expect(saved).toEqual(['https://bucket/exports/e-1.csv?sig'])
    expect(job.busy.value).toBe(false)
    expect(job.error.value).toBe('')
  })

  it('tells a failed build in Japanese and downloads nothing', async () => {
    states = [{ ...JOB, status: 'failed', failed_message: '名簿を作成できませんでした。時間をおいて、もう一度出力してください。' }]
    const saved: string[] = []
    const job = useExportJob(async () => {}, (url) => saved.push(url))
    await job.run({ kind: 'members' })
    expect(job.error.value).toContain('もう一度出力してください')
    expect(saved).toEqual([])
  })

  it('tells a refused start with the server message', async () => {
    startAnswer = () => answer(404, { error: { code: 'not_found', message: 'セミナー・相談が見つかりません。' } })
    const job = useExportJob(async () => {}, () => {})
    expect(await job.run({ kind: 'attendees', offering_id: 'nope' })).toBeNull()
    expect(job.error.value).toBe('セミナー・相談が見つかりません。')
    expect(job.busy.value).toBe(false)
  })
})
