// The Lambda handler modules, bound to the local runtime instead of the environment.
import type { APIGatewayProxyEventV2 } from 'aws-lambda'
import type { Runtime } from '#adapters/runtime'
import type { FunctionName, HttpFunctionName, ScheduledFunctionName, StreamFunctionName } from '#infra-shared/functions'
import type { HttpResult } from '#lib/http'
import type { StreamHandler } from './stream-poller'
import { makeHandler as sendCode } from '#handlers/send-code'
import { makeHandler as submitQuery } from '#handlers/submit-query'
import { makeHandler as getQuery } from '#handlers/get-query'
import { makeHandler as listEnterprises } from '#handlers/list-enterprises'
import { handler as getOpenApi } from '#handlers/get-openapi'
import { makeHandler as processQuery } from '#handlers/process-query'
import { makeHandler as dispatchSms } from '#handlers/dispatch-sms'
import { makeHandler as sweepStuck } from '#handlers/sweep-stuck'
import { makeHandler as smsReceipt } from '#handlers/sms-receipt'
import { makeHandler as carrierEvents } from '#handlers/carrier-events'
import { makeHandler as platformChecks } from '#handlers/platform-checks'
import { makeHandler as noticeCallback } from '#handlers/notice-callback'
import { makeHandler as notifyEnterprises } from '#handlers/notify-enterprises'
import { makeHandler as lifecycleSweep } from '#handlers/lifecycle-sweep'
import { makeHandler as createCase } from '#handlers/create-case'
import { makeHandler as queryDetails } from '#handlers/query-details'
import { makeHandler as getCase } from '#handlers/get-case'
import { makeHandler as forwardDispute } from '#handlers/forward-dispute'
import { makeHandler as disputeCallback } from '#handlers/dispute-callback'
import { makeHandler as sweepCases } from '#handlers/sweep-cases'
import { makeHandler as camaraNumberRecycling } from '#handlers/camara-number-recycling'
import { makeHandler as oauthServer } from '#handlers/oauth-server'
import { makeHandler as setBindingAlerts } from '#handlers/binding-alerts'
import { makeHandler as bindingEvents } from '#handlers/binding-events'
import { makeHandler as bindingSubscriptions } from '#handlers/binding-subscriptions'
import { makeHandler as sendBindingAlerts } from '#handlers/send-binding-alerts'
import { makeHandler as sweepBindingAlerts } from '#handlers/sweep-binding-alerts'

export type HttpHandler = (event: APIGatewayProxyEventV2) => Promise<HttpResult>

export type ScheduledHandler = () => Promise<unknown>

/**
 * Every function FUNCTIONS declares, bound by its kind: the `satisfies` clauses fail to compile when a
 * declared HTTP, stream or scheduled function has no handler here (or one is bound under the wrong kind).
 * The callers look handlers up by any FunctionName, hence the wider type they get.
 */
export function bindHandlers (rt: Runtime): {
  http: Partial<Record<FunctionName, HttpHandler>>
  stream: Partial<Record<FunctionName, StreamHandler>>
  scheduled: Partial<Record<FunctionName, ScheduledHandler>>
} {
  const get = () => Promise.resolve(rt)
  const http = {
    sendCode: sendCode(get),
    submitQuery: submitQuery(get),
    getQuery: getQuery(get),
    queryDetails: queryDetails(get),
    listEnterprises: listEnterprises(rt.enterprises),
    getOpenApi,
    smsReceipt: smsReceipt(get),
    carrierEvents: carrierEvents(get),
    platformChecks: platformChecks(get),
    noticeCallback: noticeCallback(get),
    createCase: createCase(get),
    getCase: getCase(get),
    disputeCallback: disputeCallback(get),
    camaraNumberRecycling: camaraNumberRecycling(get),
    oauthServer: oauthServer(get),
    setBindingAlerts: setBindingAlerts(get),
    bindingEvents: bindingEvents(get),
    bindingSubscriptions: bindingSubscriptions(get)
  } satisfies Record<HttpFunctionName, HttpHandler>
  const stream = {
    processQuery: processQuery(get),
    dispatchSms: dispatchSms(get),
    notifyEnterprises: notifyEnterprises(get),
    forwardDispute: forwardDispute(get),
    sendBindingAlerts: sendBindingAlerts(get)
  } satisfies Record<StreamFunctionName, StreamHandler>
  const scheduled = {
    sweepStuck: sweepStuck(get),
    lifecycleSweep: lifecycleSweep(get),
    sweepCases: sweepCases(get),
    sweepBindingAlerts: sweepBindingAlerts(get)
  } satisfies Record<ScheduledFunctionName, ScheduledHandler>
  return { http, stream, scheduled }
}
