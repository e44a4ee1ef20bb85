/**
 * A local Amazon SES v2 API for the local run and the integration tests: `aws-ses-v2-local`, started
 * in this process on a free port. The sender's SES client reaches it through
 * `AWS_ENDPOINT_URL_SESV2` (or `endpoint`), exactly as it reaches SES in Lambda; `GET /store` lists
 * what was sent and `/` is a page that shows it.
 */

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A message as the emulator stored it. */
export interface StoredEmail {
  readonly messageId: string;
  readonly from: string;
  readonly destination: { readonly to: string[]; readonly cc: string[]; readonly bcc: string[] };
  readonly subject: string;
  readonly body: { readonly html?: string; readonly text?: string };
  readonly at: number;
}

export interface LocalSes {
  /** `http://127.0.0.1:<port>`: give it to the SDK as `AWS_ENDPOINT_URL_SESV2` or `endpoint`. */
  readonly endpoint: string;
  /** The emulator's page, where the sent messages can be read. */
  readonly pageUrl: string;
  /** Every message sent since the last {@link LocalSes.clear}. */
  messages(): Promise<StoredEmail[]>;
  /** Forgets the sent messages (the emulator keeps one store per process). */
  clear(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts aws-ses-v2-local on 127.0.0.1 and a free port.
 *
 * @example
 * const ses = await startLocalSes();
 * process.env.AWS_ENDPOINT_URL_SESV2 = ses.endpoint;
 * // … send …
 * console.log((await ses.messages()).map((email) => email.subject));
 */
export const startLocalSes = async (): Promise<LocalSes> => {
  // A CommonJS module with `exports.default`: Node hands ES modules the exports object, while
  // loaders that honour `__esModule` (tsx, esbuild) hand over the function itself.
  type Start = (config: { host: string; port: number }) => Promise<Server>;
  const loaded = (await import('aws-ses-v2-local')) as unknown as { default: Start | { default: Start } };
  const start = typeof loaded.default === 'function' ? loaded.default : loaded.default.default;
  const http = await start({ host: '127.0.0.1', port: 0 });
  const { port } = http.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const ses: LocalSes = {
    endpoint,
    pageUrl: `${endpoint}/`,
    messages: async () => {
      const response = await fetch(`${endpoint}/store`);
      const { emails } = (await response.json()) as { emails: StoredEmail[] };
      return emails;
    },
    clear: async () => {
      await fetch(`${endpoint}/clear-store`, { method: 'POST' });
    },
    stop: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
  // The store belongs to the module, not the server: start each run from empty.
  await ses.clear();
  return ses;
};
