// A query's figures per app, and the summary-form result codes that open them (查看明细).
// A leaf: domain/sms-templates reads QueryResults from here without a cycle back through the SMS ports.

export type QueryResults = Record<string, number | 'unavailable'>

/** a summary-form result SMS's code, as stored: its keyed hash (domain/result-code) and when it stops working */
export interface NewResultCode {
  codeHash: string
  expiresAt: number
}

/** what a live result code opens: its query's figures */
export interface ResultCodeMatch {
  queryId: string
  results: QueryResults
}

export interface ResultCodeStore {
  /** the query a live result code (by its keyed hash) is bound to, with its results; undefined when none */
  find (codeHash: string, now: number): Promise<ResultCodeMatch | undefined>
}
