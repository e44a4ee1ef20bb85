/**
 * Messages a person can act on, one per recipient group: a subject, a plain-text part and an HTML
 * part, each saying what happened, what the reader can do, and the lease context. Templates write
 * plain text; this layout escapes every value for HTML.
 */
import { templateFor } from './catalogue.js';
import { dateFormatter, escapeHtml, hours, usd } from './format.js';
import { type ContextLine, contextLines, sinceThen } from './lease-context.js';
import type { Audience, Formats, Message, MessageInput, MessageParts, MessageSettings } from './types.js';

export { TEMPLATES, templateFor } from './catalogue.js';
export { dateFormatter, escapeHtml, hours, usd } from './format.js';
export type { Audience, Consistency, Facts, Message, MessageInput, MessageSettings } from './types.js';

const FORMATS: Formats = { usd, hours };

const STYLE = 'font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#0b0c0c';

interface Body {
  readonly paragraphs: readonly string[];
  readonly context: readonly ContextLine[];
  readonly link?: string;
}

const plainText = ({ paragraphs, context, link }: Body): string =>
  [
    ...paragraphs.map((paragraph) => `${paragraph}\n`),
    ...(context.length > 0 ? [`${context.map(([label, value]) => `${label}: ${value}`).join('\n')}\n`] : []),
    ...(link === undefined ? [] : [`Sign in to Innovation Sandbox: ${link}\n`]),
  ].join('\n');

const html = (subject: string, { paragraphs, context, link }: Body): string => {
  const rows = context.map(
    ([label, value]) => `<tr><th align="left" style="padding-right:16px">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`,
  );
  return [
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body style="${STYLE}">`,
    ...paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`),
    ...(rows.length > 0 ? [`<table role="presentation">${rows.join('')}</table>`] : []),
    ...(link === undefined ? [] : [`<p><a href="${escapeHtml(link)}">Sign in to Innovation Sandbox</a></p>`]),
    '</body></html>',
  ].join('\n');
};

const layout = (template: string, audience: Audience, parts: MessageParts, input: MessageInput, settings: MessageSettings): Message => {
  const update = sinceThen(input);
  // What to do about a state the lease has left would mislead: point to the lease as it is now.
  const action = update === undefined ? parts.action : 'Sign in to Innovation Sandbox to see the lease as it is now.';
  const body: Body = {
    paragraphs: [parts.summary, ...(update === undefined ? [] : [update]), action, ...(parts.details ?? [])],
    context: contextLines(input, dateFormatter(settings.timeZone)),
    ...(settings.webAppUrl === undefined ? {} : { link: settings.webAppUrl }),
  };
  return { template, audience, subject: parts.subject, text: plainText(body), html: html(parts.subject, body) };
};

/**
 * The messages for one notification, one per audience ISB tells; none for an event ISB tells
 * nobody about.
 *
 * @example
 * const [message] = renderMessages(
 *   { detailType: 'LeaseApproved', facts: { approvedBy: 'AUTO_APPROVED' }, consistency: null },
 *   { timeZone: 'Europe/London' },
 * );
 * message.subject; // => 'Innovation Sandbox: your lease is approved'
 */
export const renderMessages = (input: MessageInput, settings: MessageSettings): Message[] => {
  const template = templateFor(input.detailType, input.facts);
  if (template === undefined) return [];
  return template.audiences.map((audience) =>
    layout(template.id, audience, template.parts(input.facts, audience, input, FORMATS), input, settings),
  );
};
