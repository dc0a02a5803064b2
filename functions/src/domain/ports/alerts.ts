// Binding alerts: subscriptions (keyed hashes only), per-enterprise HMAC rows, alert state, reported bindings.
import type { LimitCheck } from '../limits'
import type { OutboxMessage } from './sms'

/** one subscribed number as one enterprise sees it: HMAC under that enterprise's key */
export interface SubscriptionRow { enterpriseId: string, hmac: string }

export interface AlertToggle {
  phoneHash: string
  /** the code that proved the holder, consumed with the change */
  codeHash: string
  now: number
  /** logs a success wipes (the number's verdict backoff) */
  clears: LimitCheck[]
  /** the confirmation SMS */
  sms: OutboxMessage
}

/** a reported binding of a subscribed number, kept until its alert went out */
export interface StoredBindingEvent {
  /** `evt#{phoneHash}#{enterpriseId}#{eventId}`: each event id once per (enterprise, number) */
  key: string
  phoneHash: string
  enterpriseId: string
  appId: string
  boundAt: number
  /** the number, sealed: an alert may be held for hours (quiet hours, the daily cap); dropped once sent */
  phoneSealed: string
  status: 'PENDING' | 'HELD' | 'SENT' | 'DROPPED'
}

/** per number: alert SMS sent on a China day, events held, and the version every write is conditioned on */
export interface AlertState { day: string, sent: number, held: number, version: number }

export type AlertWrite = 'ok' | 'stale' | 'unsubscribed'

export interface SubscriptionCursor { since: number, hmac: string }

/** Subscriptions (keyed hashes only), the per-enterprise HMAC rows, the alert state, the reported events. */
export interface AlertStore {
  /** consumes the code, writes the subscription and its rows (replacing those of an earlier opt-in) and queues the SMS: all or nothing */
  subscribe (input: AlertToggle & { rows: SubscriptionRow[] }): Promise<'ok' | 'CODE'>
  /** consumes the code, deletes the subscription, its rows and its alert state, queues the SMS: all or nothing */
  unsubscribe (input: AlertToggle): Promise<'ok' | 'CODE'>
  /** ends a subscription without SMS (the number was cancelled or re-issued); whether there was one */
  end (phoneHash: string): Promise<boolean>
  /** since when each of these numbers subscribed, for those that did (one BatchGetItem per 100 numbers) */
  subscribedSince (phoneHashes: readonly string[]): Promise<Map<string, number>>
  /** stores an event once (its key); false when that key was stored before */
  putEvent (event: StoredBindingEvent, now: number): Promise<boolean>
  /** one page of an enterprise's rows, oldest subscription first */
  page (enterpriseId: string, after: SubscriptionCursor | undefined, limit: number): Promise<{ rows: SubscriptionCursor[], next?: SubscriptionCursor }>
  /** the event and its number's alert state, in one read */
  alertContext (eventKey: string): Promise<{ event: StoredBindingEvent, state: AlertState | undefined } | undefined>
  /** the number's alert states (one BatchGetItem per 100 numbers) */
  alertStates (phoneHashes: readonly string[]): Promise<Map<string, AlertState>>
  /** the events SENT (sealed number dropped), the state written and the SMS queued, if the number still subscribes and the state is at its version */
  sendAlert (input: { events: StoredBindingEvent[], phoneHash: string, state: AlertState, expectedVersion: number | undefined, sms: OutboxMessage, now: number }): Promise<AlertWrite>
  /** the events HELD until `until` (the sweep's due index), the state written */
  hold (input: { events: StoredBindingEvent[], phoneHash: string, state: AlertState, expectedVersion: number | undefined, until: number, now: number }): Promise<AlertWrite>
  /** the events DROPPED, sealed number removed (the number no longer subscribes) */
  drop (events: readonly StoredBindingEvent[]): Promise<void>
  /** held events whose time has come, earliest first */
  dueEvents (now: number, limit: number): Promise<StoredBindingEvent[]>
}
