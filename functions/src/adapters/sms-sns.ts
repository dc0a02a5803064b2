// Amazon SNS SMS. SNS has no idempotency key: a crash between send and save can deliver twice
// (SECURITY.md). Not available from AWS China regions: add a mainland provider beside this file.
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns'
import type { SmsSender } from '#ports'

export function snsSmsSender (client = new SNSClient({})): SmsSender {
  return {
    async send ({ to, text }) {
      const out = await client.send(new PublishCommand({
        PhoneNumber: `+86${to}`,
        Message: text,
        MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } }
      }))
      return { providerMessageId: out.MessageId ?? '' }
    }
  }
}
