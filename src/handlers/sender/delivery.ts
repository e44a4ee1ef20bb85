/**
 * Delivery by Amazon SES v2 `SendEmail`, and what its errors mean for the record: a send that may
 * work later (throttling, 5xx, the network) is retried by sending the record back to the queue; a
 * refusal that will not change until someone acts (rejected content, unverified identity, bad
 * address, paused or suspended account, unknown configuration set) is a {@link PermanentRejection}.
 */
import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Audience, Message } from '../../messages/index.js';

/** SES v2 errors that a retry will not fix; classified by name, as the SDK does. */
export const PERMANENT_SES_ERRORS: ReadonlySet<string> = new Set([
  'MessageRejected',
  'MailFromDomainNotVerifiedException',
  'AccountSuspendedException',
  'SendingPausedException',
  'BadRequestException',
  'NotFoundException',
]);

/** SES refused a message for good: kept for an operator, never retried. */
export class PermanentRejection extends Error {
  override readonly name = 'PermanentRejection';
  constructor(
    /** The SES error name, such as `MessageRejected`. */
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`SES refused the message: ${reason}`, options);
  }
}

/** Where messages come from. */
export interface SendSettings {
  readonly from: string;
  readonly configurationSet?: string;
}

/** Who gets one message: the holder in To; operators in Bcc, as ISB does, so they do not see each other's addresses. */
export interface Recipients {
  readonly audience: Audience;
  readonly addresses: readonly string[];
}

const errorName = (error: unknown): string => String((error as { name?: unknown })?.name ?? 'Error');

/**
 * Sends one message; resolves with SES's message id. Throws {@link PermanentRejection} for a refusal
 * a retry will not fix, and the SDK's own error (after its retries) for the rest.
 *
 * @example
 * const messageId = await sendMessage(ses, { from: 'leases@example.gov.uk' }, { audience: 'holder', addresses: [holder] }, message);
 */
export const sendMessage = async (
  client: SESv2Client,
  settings: SendSettings,
  recipients: Recipients,
  message: Message,
): Promise<string> => {
  const addresses = [...recipients.addresses];
  const command = new SendEmailCommand({
    FromEmailAddress: settings.from,
    Destination: recipients.audience === 'holder' ? { ToAddresses: addresses } : { BccAddresses: addresses },
    Content: {
      Simple: {
        Subject: { Data: message.subject, Charset: 'UTF-8' },
        Body: { Text: { Data: message.text, Charset: 'UTF-8' }, Html: { Data: message.html, Charset: 'UTF-8' } },
      },
    },
    ...(settings.configurationSet === undefined ? {} : { ConfigurationSetName: settings.configurationSet }),
  });
  try {
    const { MessageId } = await client.send(command);
    return MessageId ?? '';
  } catch (error) {
    if (PERMANENT_SES_ERRORS.has(errorName(error))) throw new PermanentRejection(errorName(error), { cause: error });
    throw error;
  }
};
