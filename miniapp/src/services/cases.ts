// The resolution-case calls, apart from api.ts so that the cases contract and these calls are bundled with
// the case pages (the `case` subpackage), not into the main package every query loads.
import { call, post } from './api'
import { CASE_PATHS, CaseView, CreateCaseRequest, CreateCaseResponse } from './cases-contract'

export interface CaseInput {
  phone: string
  idSuffix: string
  /** exactly one of a fresh SMS code and the id of a query this device submitted within 10 minutes */
  code?: string
  queryId?: string
  consent: boolean
  items: { appId: string, kind: string, note?: string }[]
}

/** POST /v1/cases: the dispute, verified again; the answer holds the access token, shown to nobody */
export function createCase (input: CaseInput, idempotencyKey: string): Promise<CreateCaseResponse> {
  return post(CASE_PATHS.cases, CreateCaseResponse, CreateCaseRequest.parse(input), idempotencyKey)
}

/** GET /v1/cases/{caseId} with the case's access token as a bearer token */
export function getCase (caseId: string, accessToken: string): Promise<CaseView> {
  return call('GET', CASE_PATHS.case(caseId), CaseView, undefined, { authorization: `Bearer ${accessToken}` })
}
