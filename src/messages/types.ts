/**
 * What a message is made from and what it becomes. The sender reads a notification off the queue,
 * defensively, into a {@link MessageInput}; the catalogue (`./catalogue.ts`) turns it into one
 * {@link Message} per recipient group.
 */
import type { LeaseSummary } from '../lease.js';

/** Who a message is for: the lease holder, or the operators (ISB's admins and managers). */
export type Audience = 'holder' | 'operators';

/** How the lease record read for the event relates to it (issue 16's reconciliation). */
export type Consistency = 'consistent' | 'event-newer' | 'superseded' | 'conflict';

/** An event's own fields, by ISB's names; any value may be missing or of the wrong kind. */
export type Facts = Readonly<Record<string, unknown>>;

/** Everything a template may say, read from one notification. */
export interface MessageInput {
  readonly detailType: string;
  readonly facts: Facts;
  /** The lease id (uuid) the event names. */
  readonly leaseId?: string;
  /** The lease holder's address, for operators' messages that say who asked. */
  readonly holder?: string;
  /** The lease record the notification carried, already narrowed to well-typed summary fields. */
  readonly lease?: LeaseSummary;
  readonly consistency: Consistency | null;
}

/** Deployment settings a message uses. */
export interface MessageSettings {
  /** IANA zone for dates, such as `Europe/London`. */
  readonly timeZone: string;
  /** ISB's web app, linked when set. */
  readonly webAppUrl?: string;
}

/** What a template writes, as plain text: the layout escapes it for HTML. */
export interface MessageParts {
  readonly subject: string;
  /** What happened, in a sentence or two. */
  readonly summary: string;
  /** What the reader can do. */
  readonly action: string;
  /** More paragraphs, such as a comment ISB recorded. */
  readonly details?: readonly string[];
}

/** How a template formats what it quotes: money and hours as people write them. */
export interface Formats {
  usd(amount: number): string;
  hours(count: number): string;
}

/** One message: a detail-type (and reason) for some audiences. */
export interface Template {
  /** `LeaseFrozen.BudgetExceeded`, `LeaseApproved`: names the template in logs and tests. */
  readonly id: string;
  /** Who ISB tells about this event (`email-service.ts`); none means ISB sends nothing. */
  readonly audiences: readonly Audience[];
  parts(facts: Facts, audience: Audience, input: MessageInput, format: Formats): MessageParts;
}

/** A rendered message for one audience. */
export interface Message {
  readonly template: string;
  readonly audience: Audience;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}
