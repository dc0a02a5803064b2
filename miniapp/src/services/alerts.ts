// POST /v1/binding-alerts (绑定提醒 on or off), apart from api.ts: only the alerts page needs it.
import { ALERT_PATHS, BindingAlertsRequest, BindingAlertsResponse } from '@yzt/functions/contract/alerts'
import { call } from './api'

export interface AlertsInput { phone: string, idSuffix: string, code: string, action: 'on' | 'off', consent?: boolean }

/** on or off, verified like a query; the code is consumed, one confirmation SMS goes to the number */
export function setBindingAlerts (input: AlertsInput): Promise<BindingAlertsResponse> {
  return call('POST', ALERT_PATHS.bindingAlerts, BindingAlertsResponse, BindingAlertsRequest.parse(input))
}
