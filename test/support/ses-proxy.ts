/**
 * A proxy in front of the local SES v2 API that answers the next `SendEmail` requests with an error
 * SES itself sends, the way SES sends it (status, `x-amzn-ErrorType` header, JSON body), so that the
 * SDK's real error parsing and retries run. Everything else passes through.
 */
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export type SesFault = 'throttle' | 'server-error' | 'rejected';

const REPLIES: Record<SesFault, { status: number; type: string; message: string }> = {
  throttle: { status: 429, type: 'TooManyRequestsException', message: 'Maximum sending rate exceeded.' },
  'server-error': { status: 500, type: 'InternalServiceErrorException', message: 'Internal error.' },
  rejected: {
    status: 400,
    type: 'MessageRejected',
    message: 'Email address is not verified. The following identities failed the check in region EU-WEST-2: grace.hopper@example.gov.uk',
  },
};

export interface SesProxy {
  readonly endpoint: string;
  /** Answers `times` SendEmail requests with `fault`, after letting `after` through. */
  inject(fault: SesFault, times: number, after?: number): void;
  /** SendEmail requests seen, faulted or not. */
  sendRequests(): number;
  reset(): void;
  close(): Promise<void>;
}

export const startSesProxy = async (upstream: string): Promise<SesProxy> => {
  let pending: { fault: SesFault; times: number; after: number } | undefined;
  let sends = 0;
  const target = new URL(upstream);
  const server = createServer((incoming, outgoing) => {
    const isSend = incoming.method === 'POST' && incoming.url?.startsWith('/v2/email/outbound-emails');
    if (isSend) sends += 1;
    if (isSend && pending && pending.after > 0) {
      pending.after -= 1;
    } else if (isSend && pending && pending.times > 0) {
      pending.times -= 1;
      const reply = REPLIES[pending.fault];
      incoming.resume();
      outgoing.writeHead(reply.status, {
        'content-type': 'application/json',
        'x-amzn-ErrorType': `${reply.type}:http://internal.amazon.com/coral/com.amazon.ses/`,
      });
      outgoing.end(JSON.stringify({ message: reply.message }));
      return;
    }
    const forward = request(
      { host: target.hostname, port: target.port, method: incoming.method, path: incoming.url, headers: incoming.headers },
      (response) => {
        outgoing.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(outgoing);
      },
    );
    incoming.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    inject: (fault, times, after = 0) => {
      pending = { fault, times, after };
    },
    sendRequests: () => sends,
    reset: () => {
      pending = undefined;
      sends = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
