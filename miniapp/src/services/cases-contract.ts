// The resolution-case contract, as the package exports it: pages import it from here, one place.
export * from '@yzt/functions/contract/cases'
