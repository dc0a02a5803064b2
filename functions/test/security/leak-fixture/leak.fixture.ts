// Run by log-privacy.test.ts in a child jest: LEAK picks which secret escapes, and by which path.
// The values are assembled at run time so that this file's source never appears in a log as such.
import { hmacHasher } from '../../../src/adapters/crypto'
import { logger } from '../../../src/lib/logger'

const phone = ['139', '0000', '7777'].join('')
const idSuffix = ['65432', '1'].join('')
const code = ['4829', '13'].join('')

test('a test that logs', () => {
  // the system under test sees the suffix and the code in clear, as it does for real
  const h = hmacHasher('fixture-pepper-not-secret')
  h.idSuffix(phone, idSuffix)
  h.code(phone, code)
  logger.warn('masked, whatever the key', { phone, note: `to ${phone}` })
  switch (process.env.LEAK) {
    case 'console': console.log(`debug: sending to ${phone}`); break
    case 'stdout': process.stdout.write(`verification ok for code ${code}\n`); break
    // the masking replacer only knows suffixes under their own key: free text gets through it
    case 'logger': logger.warn('verification failed', { detail: `suffix ${idSuffix} did not match` }); break
  }
  expect(true).toBe(true)
})
