/**
 * A fault-injecting HTTP proxy for DynamoDB. It sits between the SDK and a DynamoDB server (dynalite,
 * DynamoDB Local, or anything speaking the API over plain HTTP), passes requests through, and on
 * demand answers one with a fault instead: the error DynamoDB itself would send, a dropped
 * connection, or no answer at all. It counts what it saw, so a test can assert on the wire: each
 * DynamoDB operation (from `X-Amz-Target`) with its time, and each TCP connection accepted.
 *
 * It can also play a stale replica (`stale-read`): answer an eventually consistent GetItem with the
 * item's previous version, from the versions of the items written through it (or remembered).
 *
 * The local runner uses it to show a throttled table; the integration suite uses it to prove the
 * retry, the time budget, the circuit breaker, connection reuse and the consistent re-read against
 * the real SDK.
 */
import { randomBytes } from 'node:crypto';
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { ItemHistory, type WireItem } from './item-history.js';

/**
 * What the proxy can do to a request instead of passing it through. `stale-read` answers a GetItem
 * without `ConsistentRead` with the item's previous version, when it knows one; other requests pass.
 */
export type FaultKind =
  | 'throttle'
  | 'throttle-on-demand'
  | 'server-error'
  | 'access-denied'
  | 'resource-not-found'
  | 'drop'
  | 'hang'
  | 'stale-read';

/** Every fault kind, for argument checking and loops. */
export const FAULT_KINDS: readonly FaultKind[] = [
  'throttle',
  'throttle-on-demand',
  'server-error',
  'access-denied',
  'resource-not-found',
  'drop',
  'hang',
  'stale-read',
];

/** A DynamoDB error response, as the service sends it on the wire. */
interface ErrorReply {
  readonly status: number;
  readonly body: Record<string, string>;
}

const DYNAMODB = 'com.amazonaws.dynamodb.v20120810';

// Bodies and statuses as DynamoDB sends them; AccessDenied comes from the front end ("coral"),
// which spells its message field with a capital M.
const ERROR_REPLIES: Record<Exclude<FaultKind, 'drop' | 'hang' | 'stale-read'>, (table: string) => ErrorReply> = {
  throttle: () => ({
    status: 400,
    body: {
      __type: `${DYNAMODB}#ProvisionedThroughputExceededException`,
      message:
        'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
    },
  }),
  // An on-demand table (as ISB's LeaseTable is) scaling up throttles under this name, from the front end.
  'throttle-on-demand': () => ({
    status: 400,
    body: {
      __type: 'com.amazon.coral.availability#ThrottlingException',
      message:
        'Throughput exceeds the current capacity of your table or index. DynamoDB is automatically scaling your table or index so please try again shortly.',
    },
  }),
  'server-error': () => ({
    status: 500,
    body: { __type: `${DYNAMODB}#InternalServerError`, message: 'Internal server error' },
  }),
  'access-denied': (table) => ({
    status: 400,
    body: {
      __type: 'com.amazon.coral.service#AccessDeniedException',
      Message: `User: arn:aws:sts::123456789012:assumed-role/lease-enrichment/lease-enrichment is not authorized to perform: dynamodb:GetItem on resource: arn:aws:dynamodb:eu-west-2:123456789012:table/${table} because no identity-based policy allows the dynamodb:GetItem action`,
    },
  }),
  'resource-not-found': () => ({
    status: 400,
    body: { __type: `${DYNAMODB}#ResourceNotFoundException`, message: 'Requested resource not found' },
  }),
};

/** One request the proxy received. */
export interface ProxiedRequest {
  /** The DynamoDB operation, such as `GetItem`, from the `X-Amz-Target` header; `null` without one. */
  readonly operation: string | null;
  /** When the request's headers arrived, on the `performance.now()` clock. */
  readonly at: number;
  /** The fault it was answered with, or `null` when it was passed through. */
  readonly fault: FaultKind | null;
  /** Which TCP connection it came on: the proxy numbers them from 1 as it accepts them, for its lifetime. */
  readonly connection: number;
  /** For a GetItem, whether it asked for `ConsistentRead` (known once its body has arrived); `null` otherwise. */
  readonly consistentRead: boolean | null;
}

export interface InjectOptions {
  /** How many matching requests get the fault before it is used up. Default 1; `Infinity` for all. */
  times?: number;
  /** Only requests for this DynamoDB operation (such as `GetItem`) get the fault. Default: any. */
  operation?: string;
}

export interface FaultProxy {
  /** `http://127.0.0.1:<port>`: give it to the SDK as its endpoint. */
  readonly endpoint: string;
  /** The server requests are passed to. */
  readonly upstream: string;
  /** Every request received since the start or the last {@link FaultProxy.reset}, in order. */
  readonly requests: readonly ProxiedRequest[];
  /** TCP connections accepted since the start or the last {@link FaultProxy.reset}. */
  readonly connections: number;
  /** The ids of the TCP connections open now: a client that aborts a hung request closes its own. */
  readonly openConnections: readonly number[];
  /**
   * Queues a fault for the next `times` matching requests; faults queued earlier are used first.
   * Once used up, requests pass through again.
   */
  inject(fault: FaultKind, options?: InjectOptions): void;
  /** Requests for one operation, optionally only those after index `since` in {@link requests}. */
  requestsFor(operation: string, since?: number): ProxiedRequest[];
  /**
   * Records `item` (DynamoDB JSON, as on the wire) as the latest version of its key in `table`, as
   * if written through the proxy: history for `stale-read`. Writes through the proxy are recorded too.
   */
  remember(table: string, item: WireItem): void;
  /** Drops every queued fault and forgets the counts; open connections stay open, item history stays. */
  reset(): void;
  /** Stops listening and ends every connection, hung requests included. */
  close(): Promise<void>;
}

export interface FaultProxyOptions {
  /** The DynamoDB endpoint to pass requests to, `http://host:port`. */
  upstream: string;
  /** Port to listen on. Default: any free port. */
  port?: number;
  /** The table's key attribute names, for `stale-read`. Default: LeaseTable's, `userEmail` and `uuid`. */
  keyAttributes?: readonly string[];
}

interface QueuedFault {
  readonly fault: FaultKind;
  readonly operation: string | undefined;
  remaining: number;
}

const operationOf = (request: IncomingMessage): string | null => {
  const target = request.headers['x-amz-target'];
  if (typeof target !== 'string') return null;
  const dot = target.lastIndexOf('.');
  return dot >= 0 ? target.slice(dot + 1) : target;
};

const readBody = (request: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.once('end', () => resolve(Buffer.concat(chunks)));
    request.once('error', reject);
  });

const tableNameOf = (body: Buffer): string => {
  try {
    const { TableName } = JSON.parse(body.toString('utf8')) as { TableName?: unknown };
    return typeof TableName === 'string' ? TableName : 'LeaseTable';
  } catch {
    return 'LeaseTable';
  }
};

// Each hop manages its own connection: the SDK's connection to the proxy is the one that counts.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'upgrade']);
const endToEnd = (headers: IncomingHttpHeaders): OutgoingHttpHeaders =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase())));

/** The CRC-32 that DynamoDB sends in `x-amz-crc32`: of the response body, as an unsigned integer. */
const crc32 = (data: Buffer): number => zlibCrc32(data) >>> 0;

// DynamoDB's request ids are 52 characters of [A-Z0-9].
const requestId = (): string => [...randomBytes(52)].map((byte) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'[byte % 36]).join('');

const sendError = (response: ServerResponse, { status, body }: ErrorReply | { status: number; body: unknown }): void => {
  const payload = Buffer.from(JSON.stringify(body), 'utf8');
  response.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': payload.length,
    'x-amzn-requestid': requestId(),
    'x-amz-crc32': String(crc32(payload)),
    date: new Date().toUTCString(),
  });
  response.end(payload);
};

/**
 * Starts a fault proxy on 127.0.0.1 in front of `upstream`, passing everything through until told
 * otherwise with {@link FaultProxy.inject}.
 *
 * @example
 * const proxy = await startFaultProxy({ upstream: db.endpoint });
 * const client = createLeaseDocumentClient({ ...LOCAL_CLIENT_CONFIG, endpoint: proxy.endpoint });
 * proxy.inject('throttle', { times: 2 });
 * // ...invoke the handler...
 * proxy.requestsFor('GetItem').length; // 2
 * await proxy.close();
 */
const parse = (body: Buffer): Record<string, unknown> => {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
};

type Entry = { -readonly [K in keyof ProxiedRequest]: ProxiedRequest[K] };

export const startFaultProxy = async ({ upstream, port = 0, keyAttributes }: FaultProxyOptions): Promise<FaultProxy> => {
  const target = new URL(upstream);
  if (target.protocol !== 'http:') {
    throw new Error(`The fault proxy forwards plain HTTP only, not ${target.protocol}//`);
  }
  // Keep-alive upstream too, so the proxy adds as little latency as it can.
  const agent = new Agent({ keepAlive: true });
  let queue: QueuedFault[] = [];
  let requests: ProxiedRequest[] = [];
  let connections = 0;
  let accepted = 0;
  const sockets = new Set<Socket>();
  const connectionIds = new WeakMap<Socket, number>();
  const history = new ItemHistory(keyAttributes);

  const takeFault = (operation: string | null): FaultKind | null => {
    const index = queue.findIndex((item) => item.operation === undefined || item.operation === operation);
    const queued = queue[index];
    if (!queued) return null;
    queued.remaining -= 1;
    if (queued.remaining <= 0) queue.splice(index, 1);
    return queued.fault;
  };

  const passThrough = async (request: IncomingMessage, response: ServerResponse, entry: Entry, read?: Buffer): Promise<void> => {
    const body = read ?? (await readBody(request));
    const parsed = entry.operation === 'GetItem' || entry.operation?.includes('Write') || entry.operation === 'PutItem' ? parse(body) : {};
    if (entry.operation === 'GetItem') entry.consistentRead = parsed.ConsistentRead === true;
    // The Host header stays as the SDK signed it (SigV4 covers it); the upstream routes by address.
    const headers = endToEnd(request.headers);
    const forwarded = httpRequest(
      { hostname: target.hostname, port: target.port, method: request.method, path: request.url, headers, agent },
      (answer) => {
        if (answer.statusCode === 200) history.rememberWrite(entry.operation, parsed);
        response.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
        answer.pipe(response);
      },
    );
    forwarded.once('error', () => request.socket.destroy());
    forwarded.end(body);
  };

  /** A stale replica: an eventually consistent GetItem gets the previous version, when one is known. */
  const staleOrPassThrough = async (request: IncomingMessage, response: ServerResponse, entry: Entry): Promise<void> => {
    const body = await readBody(request);
    const { TableName, Key, ConsistentRead } = parse(body);
    const previous =
      ConsistentRead !== true && typeof TableName === 'string' && typeof Key === 'object' && Key !== null
        ? history.previous(TableName, Key as WireItem)
        : undefined;
    if (!previous) return passThrough(request, response, entry, body);
    entry.consistentRead = false;
    entry.fault = takeFault(entry.operation);
    sendError(response, { status: 200, body: { Item: previous } });
  };

  const nextFault = (operation: string | null): FaultKind | undefined =>
    queue.find((item) => item.operation === undefined || item.operation === operation)?.fault;

  const server = createServer((request, response) => {
    const operation = operationOf(request);
    const entry: Entry = {
      operation,
      at: performance.now(),
      fault: null,
      connection: connectionIds.get(request.socket) ?? 0,
      consistentRead: null,
    };
    requests.push(entry);
    if (operation === 'GetItem' && nextFault(operation) === 'stale-read') {
      void staleOrPassThrough(request, response, entry).catch(() => request.socket.destroy());
      return;
    }
    const fault = nextFault(operation) === 'stale-read' ? null : takeFault(operation);
    entry.fault = fault;
    switch (fault) {
      case null:
      case 'stale-read':
        void passThrough(request, response, entry).catch(() => request.socket.destroy());
        return;
      case 'drop':
        request.socket.destroy();
        return;
      case 'hang':
        // Read the request and never answer; close() ends the connection.
        request.resume();
        return;
      default:
        void readBody(request).then(
          (body) => sendError(response, ERROR_REPLIES[fault](tableNameOf(body))),
          () => request.socket.destroy(),
        );
    }
  });
  server.on('connection', (socket: Socket) => {
    connections += 1;
    accepted += 1;
    connectionIds.set(socket, accepted);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: listening } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${listening}`,
    upstream,
    get requests() {
      return requests;
    },
    get connections() {
      return connections;
    },
    get openConnections() {
      return [...sockets].map((socket) => connectionIds.get(socket) ?? 0);
    },
    inject(fault, { times = 1, operation } = {}) {
      if (!FAULT_KINDS.includes(fault)) throw new RangeError(`Unknown fault: ${String(fault)}`);
      if (!(times >= 1)) throw new RangeError(`times must be at least 1, got ${times}`);
      queue.push({ fault, operation, remaining: times });
    },
    remember(table, item) {
      history.remember(table, item);
    },
    requestsFor(operation, since = 0) {
      return requests.slice(since).filter((item) => item.operation === operation);
    },
    reset() {
      queue = [];
      requests = [];
      connections = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Hung requests never end on their own: end every connection now.
        for (const socket of sockets) socket.destroy();
        agent.destroy();
      }),
  };
};
