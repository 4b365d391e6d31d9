export interface ContentField {
  key: string
  label: string
  type: 'text' | 'textarea' | 'datetime' | 'url' | 'number' | 'select'
  required?: boolean
  /** select: its options (`{items: [{id, name}]}`) and the option meaning "none" */
  options?: { from: string; none: string }
}
export interface ContentKind {
  title: string
  admin: string
  /** the staff list (cursor-paged `{items, next_cursor}`) */
  list: string
  fields: ContentField[]
  summary: (item: Record<string, unknown>) => string
}

export const CONTENT_KINDS: Record<string, ContentKind> = {
  events: {
    title: 'イベント',
    admin: '/api/admin/events',
    list: '/api/admin/events',
    fields: [
      { key: 'title', label: 'タイトル', type: 'text', required: true },
      { key: 'starts_at', label: '開始日時', type: 'datetime', required: true },
      { key: 'ends_at', label: '終了日時', type: 'datetime', required: true },
      { key: 'place', label: '場所', type: 'text' },
      { key: 'url', label: 'イベントページのURL', type: 'url' },
      { key: 'description', label: '説明', type: 'textarea' },
    ],
    summary: (i) => `${String(i.starts_at ?? '').slice(0, 16).replace('T', ' ')} ${i.place ?? ''}`,
  },
  notices: {
    title: 'お知らせ',
    admin: '/api/admin/notices',
    list: '/api/admin/notices',
    fields: [
      { key: 'title', label: 'タイトル', type: 'text', required: true },
      { key: 'body', label: '本文', type: 'textarea', required: true },
      { key: 'published_at', label: '公開日時', type: 'datetime' },
    ],
    summary: (i) => String(i.published_at ?? '').slice(0, 16).replace('T', ' '),
  },
  videos: {
    title: '動画',
    admin: '/api/admin/videos',
    list: '/api/videos', // every video is published: the member list is the staff list
    fields: [
      { key: 'title', label: 'タイトル', type: 'text', required: true },
      { key: 'url', label: '動画のURL（mp4 または埋め込み用URL）', type: 'url', required: true },
      { key: 'thumbnail_url', label: 'サムネイル画像のURL', type: 'url' },
      { key: 'duration_s', label: '再生時間（秒）', type: 'number' },
      { key: 'description', label: '説明', type: 'textarea' },
    ],
    summary: (i) => String(i.url ?? ''),
  },
  'inquiry-kinds': {
    title: 'お問い合わせ種類',
    admin: '/api/admin/inquiry-kinds',
    list: '/api/admin/inquiry-kinds',
    fields: [
      { key: 'name', label: '名称', type: 'text', required: true },
      { key: 'description', label: '説明', type: 'textarea' },
      { key: 'department_id', label: '担当部署', type: 'select', options: { from: '/api/admin/departments', none: '（なし：全職員が対応）' } },
    ],
    summary: (i) => String(i.description ?? ''),
  },
}

/** ISO instant → value of <input type="datetime-local"> in Asia/Tokyo. */
export function toLocalInput(iso: unknown): string {
  if (typeof iso !== 'string' || !iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso.slice(0, 16)
  const t = new Date(d.getTime() + 9 * 3600 * 1000)
  return t.toISOString().slice(0, 16)
}

/** <input type="datetime-local"> value (Tokyo wall time) → ISO 8601 with +09:00. */
export function fromLocalInput(v: string): string | null {
  if (!v) return null
  return `${v.length === 16 ? v + ':00' : v}+09:00`
}
