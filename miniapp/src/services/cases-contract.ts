// The resolution-case contract (functions/src/contract/cases.ts). `@yzt/functions` exports only
// `./contract` (index.ts, which does not re-export cases.ts), so the mini-program reaches the file
// through this one module; pages import from here. Same module instance as the package's: both
// resolve to the real path under functions/src. When the package exports `./contract/cases`, this
// line becomes `export * from '@yzt/functions/contract/cases'`.
export * from '../../../functions/src/contract/cases'
