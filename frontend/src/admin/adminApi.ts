export const enc = encodeURIComponent
