// Tencent Cloud SMS (sms 2021-01-11, SendSms): SmsSdkAppId, the registered sign name and template id,
// the parameters in the template's order, and our message id as SessionContext.
// Loaded lazily (its own chunk): only the dispatcher of a deployment configured for Tencent loads it.
import { sms } from 'tencentcloud-sdk-nodejs-sms'
import { SmsRefused, SmsThrottled } from '#domain/dispatch'
import { signName, type SmsTemplates } from '#domain/sms-templates'
import type { SmsSender } from '#ports'
import type { TencentSmsSettings } from './secrets'

// Error codes: https://cloud.tencent.com/document/product/382/52075 (per-number SendStatus codes and API errors alike)
const INVALID_NUMBER = /^(InvalidParameterValue\.IncorrectPhoneNumber|UnsupportedOperation\.ContainDomesticAndInternationalPhoneNumber|FailedOperation\.PhoneNumberInBlacklist)$/

/**
 * What a Tencent Cloud code means for the outbox: undefined to retry, SmsThrottled to retry after a
 * longer wait, or the refusal to fail the message with.
 */
export function tencentError (code: string): SmsRefused | SmsThrottled | undefined {
  // throttling of our API calls (RequestLimitExceeded, RequestLimitExceeded.*: the account's or the
  // API's QPS, not this number): wait, then another try
  if (code === 'RequestLimitExceeded' || code.startsWith('RequestLimitExceeded.')) return new SmsThrottled(code)
  // the provider's own faults: worth another try
  if (code.startsWith('InternalError')) return undefined
  // per-number and per-app frequency controls (LimitExceeded.PhoneNumberDailyLimit, …)
  if (code.startsWith('LimitExceeded.')) return new SmsRefused('rate-limited', code)
  if (INVALID_NUMBER.test(code)) return new SmsRefused('invalid-number', code)
  return new SmsRefused('refused', code)
}

export function tencentSmsSender (settings: TencentSmsSettings, templates: () => Promise<SmsTemplates>, signature?: string): SmsSender {
  const client = new sms.v20210111.Client({
    credential: { secretId: settings.secretId, secretKey: settings.secretKey },
    region: settings.region,
    profile: { httpProfile: { endpoint: settings.endpoint, protocol: `${settings.protocol}://`, reqTimeout: 5 } }
  })
  return {
    async send ({ to, template, params, idempotencyKey }) {
      const templateId = settings.templateIds[template]
      if (!templateId) throw new SmsRefused('refused', `no Tencent template id for ${template}`)
      let out
      try {
        out = await client.SendSms({
          PhoneNumberSet: [`+86${to}`],
          SmsSdkAppId: settings.smsSdkAppId,
          SignName: signName(signature),
          TemplateId: templateId,
          // Tencent numbers parameters {1}, {2}, …: the template's order
          TemplateParamSet: (await templates())[template].params.map(p => params[p]!),
          SessionContext: idempotencyKey
        })
      } catch (err) {
        const code = (err as { code?: unknown }).code
        // API-level errors carry a code; network failures and timeouts do not, and are retried
        const known = typeof code === 'string' && code ? tencentError(code) : undefined
        throw known ?? err
      }
      const status = out.SendStatusSet?.[0]
      if (!status) throw new Error('Tencent SendSms: no status in the answer')
      if (status.Code !== 'Ok') throw tencentError(status.Code ?? '') ?? new Error(`Tencent SendSms ${status.Code}`)
      return { providerMessageId: status.SerialNo ?? '' }
    }
  }
}
