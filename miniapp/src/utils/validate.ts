import { Code, IdSuffix, Phone } from '@yzt/functions/contract'

type Field = 'phone' | 'idSuffix' | 'code'

const SCHEMAS = { phone: Phone, idSuffix: IdSuffix, code: Code } as const

/** How many characters a complete entry has: errors show once this many are typed (or on blur). */
export const FULL_LENGTH: Record<Field, number> = { phone: 11, idSuffix: 6, code: 6 }

/** The same rules the API applies, so a form that passes here is not rejected for its shape. */
export function check (field: Field, input: string): { value: string, error: '' } | { value: '', error: string } {
  const r = SCHEMAS[field].safeParse(input)
  if (r.success) return { value: r.data, error: '' }
  return { value: '', error: r.error.issues[0]?.message ?? '格式不正确' }
}
