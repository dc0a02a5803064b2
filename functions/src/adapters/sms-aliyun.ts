// Alibaba Cloud SMS (dysmsapi 2017-05-25, SendSms): the registered sign name and template code, the
// parameters as JSON, and our message id as OutId (it comes back in the delivery report as out_id).
// Loaded lazily (its own chunk): only the dispatcher of a deployment configured for Aliyun loads it.
import Dysmsapi, { SendSmsRequest } from '@alicloud/dysmsapi20170525'
import { $OpenApiUtil } from '@alicloud/openapi-core'
import { SmsRefused, SmsThrottled } from '#domain/dispatch'
import { signName } from '#domain/sms-templates'
import type { SmsSender } from '#ports'
import type { AliyunSmsSettings } from './secrets'

// The SendSms codes that are a definite "no" for this message (https://help.aliyun.com/document_detail/101346.html);
// anything else the provider answers is refused too, except throttling and system errors, which are retried.
// isv.BUSINESS_LIMIT_CONTROL is the per-number frequency control (a "no" for this number); Throttling.*
// is the account's API QPS cap (a "not now" for every number).
const RATE_LIMITED = new Set(['isv.BUSINESS_LIMIT_CONTROL', 'isv.DAY_LIMIT_CONTROL', 'isv.MONTH_LIMIT_CONTROL', 'isv.BLACK_KEY_CONTROL_LIMIT', 'isv.AMOUNT_NOT_ENOUGH'])
const INVALID_NUMBER = new Set(['isv.MOBILE_NUMBER_ILLEGAL', 'isv.MOBILE_COUNT_OVER_LIMIT'])
const THROTTLED = /^Throttling(\..*)?$/
const RETRIED = /^(isp\.SYSTEM_ERROR|isp\.GATEWAY_ERROR|ServiceUnavailable|InternalError)$/

/**
 * What an Aliyun answer code means for the outbox: undefined to retry, SmsThrottled to retry after a
 * longer wait, or the refusal to fail the message with.
 */
export function aliyunError (code: string): SmsRefused | SmsThrottled | undefined {
  if (THROTTLED.test(code)) return new SmsThrottled(code)
  if (RETRIED.test(code)) return undefined
  if (RATE_LIMITED.has(code)) return new SmsRefused('rate-limited', code)
  if (INVALID_NUMBER.has(code)) return new SmsRefused('invalid-number', code)
  return new SmsRefused('refused', code)
}

type Client = InstanceType<typeof Dysmsapi>

export function aliyunSmsSender (settings: AliyunSmsSettings, signature?: string): SmsSender {
  // the SDK's default export is its client class; under esbuild's CommonJS interop it may sit one level down
  const ClientClass = ((Dysmsapi as unknown as { default?: typeof Dysmsapi }).default ?? Dysmsapi)
  const client: Client = new ClientClass(new $OpenApiUtil.Config({
    accessKeyId: settings.accessKeyId,
    accessKeySecret: settings.accessKeySecret,
    endpoint: settings.endpoint,
    protocol: settings.protocol,
    connectTimeout: 3000,
    readTimeout: 5000
  }))
  return {
    async send ({ to, template, params, idempotencyKey }) {
      const templateCode = settings.templateCodes[template]
      if (!templateCode) throw new SmsRefused('refused', `no Aliyun template code for ${template}`)
      let out
      try {
        out = await client.sendSms(new SendSmsRequest({
          phoneNumbers: to,
          signName: signName(signature),
          templateCode,
          templateParam: JSON.stringify(params),
          outId: idempotencyKey
        }))
      } catch (err) {
        // HTTP-level errors: throttling and 5xx are retried, other 4xx (keys, permissions) refused; network errors retried
        const e = err as { code?: unknown, statusCode?: unknown }
        if (typeof e.code === 'string' && typeof e.statusCode === 'number' && e.statusCode < 500) {
          const known = aliyunError(e.code)
          if (known) throw known
        }
        throw err
      }
      const code = out.body?.code ?? ''
      if (code !== 'OK') throw aliyunError(code) ?? new Error(`Aliyun SendSms ${code}`)
      return { providerMessageId: out.body?.bizId ?? '' }
    }
  }
}
