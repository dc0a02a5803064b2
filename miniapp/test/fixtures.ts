// Test data derived from the shared catalogue and contract, so a catalogue change shows up here too.
import { catalogue } from '@yzt/functions/catalogue'

export const enterprisesBody = { enterprises: catalogue.enterprises }
export const appLabels = catalogue.apps.map(a => a.label)

export const err = (code: string, message = 'x', extra: Record<string, unknown> = {}) =>
  ({ error: { code, message, ...extra } })
