/**
 * The versions of each item written through the fault proxy (or remembered as history), so that it
 * can play a stale replica: answer an eventually consistent GetItem with the version before the
 * latest, as DynamoDB may just after a write. Items stay in DynamoDB JSON, as on the wire.
 */

/** A DynamoDB JSON attribute map, as on the wire: `{ uuid: { S: '…' }, … }`. */
export type WireItem = Readonly<Record<string, unknown>>;

/** Versions kept per item: enough for any test, bounded for a long run. */
const VERSIONS_KEPT = 8;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export class ItemHistory {
  readonly #versions = new Map<string, WireItem[]>();
  readonly keyAttributes: readonly string[];

  /** @param keyAttributes the table's key attribute names: LeaseTable's by default. */
  constructor(keyAttributes: readonly string[] = ['userEmail', 'uuid']) {
    this.keyAttributes = keyAttributes;
  }

  #id(table: string, key: WireItem): string {
    return JSON.stringify([table, ...this.keyAttributes.map((name) => key[name] ?? null)]);
  }

  /** Records `item` as the latest version of its key in `table`. */
  remember(table: string, item: WireItem): void {
    const id = this.#id(table, item);
    const versions = this.#versions.get(id) ?? [];
    versions.push(item);
    if (versions.length > VERSIONS_KEPT) versions.shift();
    this.#versions.set(id, versions);
  }

  /** The version before the latest of the item with `key`, if two or more are known. */
  previous(table: string, key: WireItem): WireItem | undefined {
    const versions = this.#versions.get(this.#id(table, key)) ?? [];
    return versions.length >= 2 ? versions[versions.length - 2] : undefined;
  }

  /** Records the items a successful write request put: PutItem, BatchWriteItem, TransactWriteItems. */
  rememberWrite(operation: string | null, body: unknown): void {
    if (!isRecord(body)) return;
    if (operation === 'PutItem' && typeof body.TableName === 'string' && isRecord(body.Item)) this.remember(body.TableName, body.Item);
    if (operation === 'BatchWriteItem' && isRecord(body.RequestItems)) {
      for (const [table, writes] of Object.entries(body.RequestItems)) {
        for (const write of Array.isArray(writes) ? writes : []) {
          const item = (write as { PutRequest?: { Item?: unknown } })?.PutRequest?.Item;
          if (isRecord(item)) this.remember(table, item);
        }
      }
    }
    if (operation === 'TransactWriteItems' && Array.isArray(body.TransactItems)) {
      for (const entry of body.TransactItems) {
        const put = (entry as { Put?: { TableName?: unknown; Item?: unknown } })?.Put;
        if (put && typeof put.TableName === 'string' && isRecord(put.Item)) this.remember(put.TableName, put.Item);
      }
    }
  }

  /** Forgets every version. */
  clear(): void {
    this.#versions.clear();
  }
}
