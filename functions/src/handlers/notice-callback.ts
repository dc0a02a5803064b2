// An enterprise confirms, signed with its own key, what it removed or froze for a released number.
import { NoticeConfirmation, type NoticeConfirmationResponse } from '#contract/lifecycle'
import { runtime, type Runtime } from '#adapters/runtime'
import { AppError } from '#domain/errors'
import { confirmNotice } from '#domain/lifecycle'
import { signedRoute } from '#lib/signed-route'

const NOTICE_ID = /^[0-9a-f-]{36}$/

export const makeHandler = (rt: () => Promise<Runtime>) => signedRoute(
  { body: NoticeConfirmation, status: 200 },
  async () => (await rt()).callers.enterprise,
  async ({ caller, body, event }): Promise<NoticeConfirmationResponse> => {
    const eventId = event.pathParameters?.eventId ?? ''
    if (!NOTICE_ID.test(eventId)) throw new AppError('NOT_FOUND', { message: '未找到该通知' })
    return confirmNotice(await rt(), caller.id, eventId, body)
  })

export const handler = makeHandler(runtime)
