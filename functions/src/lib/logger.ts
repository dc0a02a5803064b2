// One logger for every function. Whatever is logged passes the masking replacer: a full number,
// an ID suffix or a code never reaches a log line, even by mistake.
import { Logger } from '@aws-lambda-powertools/logger'

const PHONE = /(?<!\d)((?:86)?1[3-9]\d)\d{4}(\d{4})(?!\d)/g
const CODE_IN_TEXT = /(验证码为?)\d{6}/g
const SECRET_KEYS = new Set(['phone', 'idsuffix', 'code', 'verificationcode', 'recipient', 'to', 'text', 'body', 'authorization'])

export function maskForLog (key: string, value: unknown): unknown {
  if (key && SECRET_KEYS.has(key.toLowerCase()) && (typeof value === 'string' || typeof value === 'number')) {
    // error codes such as CODE_INVALID are not secrets
    if (key === 'code' && typeof value === 'string' && /^[A-Z_]+$/.test(value)) return value
    return '[redacted]'
  }
  if (typeof value === 'string') return value.replace(PHONE, '$1****$2').replace(CODE_IN_TEXT, '$1******')
  return value
}

export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'yzt',
  jsonReplacerFn: maskForLog
})
