// What the domain needs from the outside world, by feature. Adapters implement these; tests swap them.
// `#ports` resolves here (functions/package.json "imports"): callers import every port from one name.
export type * from './basics'
export type * from './verification'
export type * from './result-codes'
export type * from './queries'
export type * from './sms'
export type * from './enterprises'
export type * from './lifecycle'
export type * from './callers'
export type * from './cases'
export type * from './alerts'
