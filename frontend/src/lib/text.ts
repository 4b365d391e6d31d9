// Characters counted the way a person counts them: one user-perceived
// character (grapheme cluster) is one, so 「👨‍👩‍👧」 or 「が」 written with a combining
// mark count as 1. Falls back to code points where Intl.Segmenter is missing.

type SegmenterLike = { segment(input: string): Iterable<unknown> }

let segmenter: SegmenterLike | null | undefined

function getSegmenter(): SegmenterLike | null {
  if (segmenter === undefined) {
    const Seg = (Intl as unknown as { Segmenter?: new (l?: string, o?: object) => SegmenterLike }).Segmenter
    segmenter = Seg ? new Seg('ja', { granularity: 'grapheme' }) : null
  }
  return segmenter
}

export function countChars(text: string): number {
  if (!text) return 0
  // A line break typed in a textarea is one character whatever the platform sends.
  const normalised = text.replace(/\r\n?/g, '\n')
  const seg = getSegmenter()
  if (!seg) return Array.from(normalised).length
  let n = 0
  for (const _ of seg.segment(normalised)) n++
  return n
}

export const INQUIRY_MAX_CHARS = 800

export function counterText(count: number, max: number): string {
  const rest = max - count
  return rest >= 0 ? `${count} / ${max}文字（残り${rest}文字）` : `${count} / ${max}文字（${-rest}文字超過）`
}
