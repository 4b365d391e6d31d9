export function rules(document: unknown): string
export function generate(document: unknown): Promise<Record<string, string>>
export function readDocument(): unknown
export function outdated(): Promise<string[]>
