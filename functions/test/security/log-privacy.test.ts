// The run-wide log check (test/support/log-capture.ts + log-privacy.ts) must be able to fail: run a
// small jest with the same capture and check in a child process, once clean and once per kind of
// leak, each through a different path to the terminal.
import { execFile } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { findLeaks } from '../support/log-privacy'

const functions = resolve(__dirname, '../..')

function childJest (leak: string): Promise<{ code: number, output: string }> {
  return new Promise(done => {
    execFile(process.execPath, [require.resolve('jest/bin/jest'), '--config', 'test/security/leak-fixture/jest.config.js', '--ci'], {
      cwd: functions,
      // the child captures into its own folder, not this run's
      env: { ...process.env, LEAK: leak, YZT_LOG_CAPTURE_DIR: '' },
      timeout: 50_000
    }, (err, stdout, stderr) => done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, output: stdout + stderr }))
  })
}

test('a clean run passes the check', async () => {
  const { code, output } = await childJest('none')
  expect(output).toMatch(/log privacy: \d+ captured lines checked against 2 secrets seen in clear: none leaked/)
  expect(code).toBe(0)
})

test.each([
  ['console', 'full phone number'],
  ['stdout', 'code'],
  ['logger', 'idSuffix']
])('a leak through %s fails the whole run (%s)', async (leak, kind) => {
  const { code, output } = await childJest(leak)
  expect(output).toContain('Got error running globalTeardown')
  // in band the same line is seen twice: once from console, once as jest prints it
  expect(output).toMatch(new RegExp(`log privacy: \\d+ captured log line\\(s\\) hold[^\\n]*\\n\\s+output-\\d+\\.log:\\d+ ${kind}: `))
  expect(code).not.toBe(0)
  // the leak itself is on the child's terminal, of course; the report does not repeat it
  const report = output.slice(output.indexOf('reason: log privacy'))
  expect(report).not.toMatch(/1390000777|65432|4829/)
})

test('ids, timestamps and stream sequence numbers are not mistaken for secrets', () => {
  const dir = mkdtempSync(join(tmpdir(), 'yzt-logs-test-'))
  writeFileSync(join(dir, 'secrets-1.txt'), 'code\t123456\nidSuffix\t00001X\n')
  writeFileSync(join(dir, 'output-1.log'), [
    'messageId result-4f1c2a9e-1234-4abc-8def-138000055512',
    'sequence 000000000000000123456 at 1784592000000 (2026-07-21T02:00:00.000Z) port 54321',
    'masked 138****5551 code CODE_INVALID'
  ].join('\n'))
  expect(findLeaks(dir).leaks).toEqual([])
  writeFileSync(join(dir, 'output-2.log'), 'to +8613800005551\n尾号13800005551的\ncode=123456\nsuffix 00001x\n您的验证码为000111')
  expect(findLeaks(dir).leaks.map(l => `${l.line}:${l.kind}`)).toEqual(
    ['1:full phone number', '2:full phone number', '3:code', '4:idSuffix', '5:code in an SMS text'])
})
