import { CONTEXT_KEY, type ContextReader, DeploymentConfigError } from './config.js';

/** The sender's settings, read from CDK context; present when `notificationFrom` is set. */
export interface SenderConfig {
  /** The verified SES identity's address messages come from (`NOTIFICATION_FROM`). */
  readonly notificationFrom: string;
  /** The SES identity the function may send as: the address, or its domain when the domain is what is verified. */
  readonly sesIdentity: string;
  readonly sesConfigurationSet?: string;
  readonly operatorEmails: readonly string[];
  readonly notificationTimeZone: string;
  readonly isbWebAppUrl?: string;
  /** False deploys the kill switch on: messages rendered and logged, none sent. */
  readonly notificationsSend: boolean;
  /** The silence canary fires after this many days without a message sent. */
  readonly silenceAlarmDays: number;
}

/** Defaults for the sender's optional keys. */
export const SENDER_DEFAULTS = {
  notificationTimeZone: 'UTC',
  notificationsSend: true,
  silenceAlarmDays: 7,
} as const;

// SES sends to at most 50 recipients a message; the operators' message goes in one.
const MAX_OPERATORS = 50;
const EMAIL = /^[^\s@,;<>"]+@[^\s@,;<>"]+\.[^\s@,;<>"]+$/;
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const CONFIGURATION_SET = /^[A-Za-z0-9_-]{1,64}$/;

const mistake = (key: string, problem: string, example: string): DeploymentConfigError =>
  new DeploymentConfigError(key, `${problem} (cdk.json or -c ${key}=${example})`);

const textOf = (context: ContextReader, key: string): string | undefined => {
  const value: unknown = context(key);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    throw new DeploymentConfigError(key, `CDK context ${key} must be a string, got ${JSON.stringify(value)}`);
  }
  const trimmed = String(value).trim();
  return trimmed === '' ? undefined : trimmed;
};

const listOf = (context: ContextReader, key: string): string[] => {
  const value: unknown = context(key);
  const items = Array.isArray(value) ? value.map(String) : (textOf(context, key) ?? '').split(',');
  return items.map((item) => item.trim()).filter(Boolean);
};

const validZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

const readOperators = (context: ContextReader): string[] => {
  const operators = listOf(context, CONTEXT_KEY.operatorEmails);
  const bad = operators.find((address) => !EMAIL.test(address));
  if (bad !== undefined)
    throw mistake(
      CONTEXT_KEY.operatorEmails,
      `CDK context ${CONTEXT_KEY.operatorEmails} holds "${bad}", which is not an address`,
      'ops@example.gov.uk,duty@example.gov.uk',
    );
  if (operators.length > MAX_OPERATORS)
    throw mistake(
      CONTEXT_KEY.operatorEmails,
      `CDK context ${CONTEXT_KEY.operatorEmails} lists ${operators.length} addresses; SES takes at most ${MAX_OPERATORS} a message (use a distribution list)`,
      'ops@example.gov.uk',
    );
  return operators;
};

const readIdentity = (context: ContextReader, from: string): string => {
  const identity = textOf(context, CONTEXT_KEY.sesIdentity) ?? from.slice(from.lastIndexOf('@') + 1);
  const sameAddress = identity.toLowerCase() === from.toLowerCase();
  const ownDomain = DOMAIN.test(identity) && from.toLowerCase().endsWith(`@${identity.toLowerCase()}`);
  if (!sameAddress && !ownDomain) {
    throw mistake(
      CONTEXT_KEY.sesIdentity,
      `CDK context ${CONTEXT_KEY.sesIdentity} must be ${CONTEXT_KEY.notificationFrom} or its domain, got "${identity}"`,
      from.slice(from.lastIndexOf('@') + 1),
    );
  }
  return identity;
};

const readOptional = (context: ContextReader): Pick<SenderConfig, 'sesConfigurationSet' | 'isbWebAppUrl' | 'notificationTimeZone'> => {
  const configurationSet = textOf(context, CONTEXT_KEY.sesConfigurationSet);
  if (configurationSet !== undefined && !CONFIGURATION_SET.test(configurationSet))
    throw mistake(
      CONTEXT_KEY.sesConfigurationSet,
      `CDK context ${CONTEXT_KEY.sesConfigurationSet} is not a configuration set name: "${configurationSet}"`,
      'lease-notifications',
    );
  const webAppUrl = textOf(context, CONTEXT_KEY.isbWebAppUrl);
  if (webAppUrl !== undefined && !/^https:\/\/\S+$/.test(webAppUrl))
    throw mistake(
      CONTEXT_KEY.isbWebAppUrl,
      `CDK context ${CONTEXT_KEY.isbWebAppUrl} must be an https URL, got "${webAppUrl}"`,
      'https://sandbox.example.gov.uk',
    );
  const zone = textOf(context, CONTEXT_KEY.notificationTimeZone) ?? SENDER_DEFAULTS.notificationTimeZone;
  if (!validZone(zone))
    throw mistake(
      CONTEXT_KEY.notificationTimeZone,
      `CDK context ${CONTEXT_KEY.notificationTimeZone} is not an IANA time zone: "${zone}"`,
      'Europe/London',
    );
  return {
    notificationTimeZone: zone,
    ...(configurationSet === undefined ? {} : { sesConfigurationSet: configurationSet }),
    ...(webAppUrl === undefined ? {} : { isbWebAppUrl: webAppUrl }),
  };
};

const readSend = (context: ContextReader): Pick<SenderConfig, 'notificationsSend' | 'silenceAlarmDays'> => {
  const send = (textOf(context, CONTEXT_KEY.notificationsSend) ?? 'true').toLowerCase();
  if (send !== 'true' && send !== 'false')
    throw mistake(
      CONTEXT_KEY.notificationsSend,
      `CDK context ${CONTEXT_KEY.notificationsSend} must be true or false, got "${send}"`,
      'true',
    );
  const days = Number(textOf(context, CONTEXT_KEY.silenceAlarmDays) ?? SENDER_DEFAULTS.silenceAlarmDays);
  // CloudWatch evaluates at most 7 days of daily periods.
  if (!Number.isInteger(days) || days < 1 || days > 7)
    throw mistake(
      CONTEXT_KEY.silenceAlarmDays,
      `CDK context ${CONTEXT_KEY.silenceAlarmDays} must be a whole number of days from 1 to 7, got "${textOf(context, CONTEXT_KEY.silenceAlarmDays)}"`,
      '7',
    );
  return { notificationsSend: send === 'true', silenceAlarmDays: days };
};

/**
 * Reads the sender's context keys: none set, no sender (the notifications stay on the queue); with
 * `notificationFrom`, the sender and everything it needs, checked. The sender reads the notification
 * queue, so it needs `onSuccessDestination` sqs.
 *
 * @example
 * const sender = readSenderConfig((key) => app.node.tryGetContext(key), 'sqs');
 */
export const readSenderConfig = (context: ContextReader, destination: 'sqs' | 'eventbridge'): SenderConfig | undefined => {
  const from = textOf(context, CONTEXT_KEY.notificationFrom);
  if (from === undefined) return undefined;
  if (!EMAIL.test(from))
    throw mistake(
      CONTEXT_KEY.notificationFrom,
      `CDK context ${CONTEXT_KEY.notificationFrom} must be the address of a verified SES identity, got "${from}"`,
      'lease-notifications@example.gov.uk',
    );
  if (destination !== 'sqs')
    throw mistake(
      CONTEXT_KEY.notificationFrom,
      `CDK context ${CONTEXT_KEY.notificationFrom} deploys the sender, which reads the notification queue: set ${CONTEXT_KEY.onSuccessDestination} to sqs`,
      from,
    );
  return {
    notificationFrom: from,
    sesIdentity: readIdentity(context, from),
    operatorEmails: readOperators(context),
    ...readOptional(context),
    ...readSend(context),
  };
};
