import type { LeaseFieldKind } from '../../lease.js';
import { fieldSetDrift, type LeaseDrift, modelKinds } from './drift.js';
import { fingerprintFields } from './fingerprint.js';

/** What the report needs of a lease record's field names, worked out once per field set and order. */
export interface LeaseShape {
  /** The field names, in the record's order. */
  readonly names: readonly string[];
  /** {@link fingerprintFields} of the names. */
  readonly fingerprint: string;
  /** The model's kind of each field, for the value checks. */
  readonly kinds: readonly (LeaseFieldKind | undefined)[];
  /** The field set's drift for a status: unknown and missing fields, an unknown status. */
  fieldSetDrift(status: unknown): readonly LeaseDrift[];
}

interface Node {
  readonly next: Map<string, Node>;
  shape?: LeaseShape;
}

const makeShape = (names: readonly string[]): LeaseShape => {
  const byStatus = new Map<unknown, readonly LeaseDrift[]>();
  const hasStatus = names.includes('status');
  return {
    names,
    fingerprint: fingerprintFields(names),
    kinds: modelKinds(names),
    fieldSetDrift(status) {
      let drift = byStatus.get(status);
      if (drift === undefined) {
        drift = fieldSetDrift(names, status, hasStatus);
        // A status is one of ISB's few, or drift; keep a bounded number of them.
        if (byStatus.size < 32) byStatus.set(status, drift);
      }
      return drift;
    },
  };
};

/**
 * The shapes of the lease records a container has seen, found by walking their field names in
 * order through a tree of maps. A table holds a handful of shapes, and DynamoDB returns a record's
 * fields in a stable order, so each walk is a few map lookups on names V8 has already hashed: the
 * fingerprint's sort and hash, and the field set's drift, are worked out once per shape instead of
 * once per invocation. Bounded, in case drift is wild: past `limit` shapes, new ones are worked out
 * every time.
 *
 * @example
 * const shapes = new LeaseShapes();
 * const { fingerprint } = shapes.of(lease);
 */
export class LeaseShapes {
  readonly #root: Node = { next: new Map() };
  readonly #limit: number;
  #count = 0;

  constructor(limit = 256) {
    this.#limit = limit;
  }

  /** The shape of `record`'s own enumerable field names. */
  of(record: object): LeaseShape {
    const names = Object.keys(record);
    let node: Node | undefined = this.#root;
    for (let index = 0; node !== undefined && index < names.length; index += 1) {
      node = node.next.get(names[index] as string);
    }
    if (node?.shape) return node.shape;
    const shape = makeShape(names);
    if (this.#count < this.#limit) this.#remember(names, shape);
    return shape;
  }

  #remember(names: readonly string[], shape: LeaseShape): void {
    let node = this.#root;
    for (const name of names) {
      let next = node.next.get(name);
      if (next === undefined) {
        next = { next: new Map() };
        node.next.set(name, next);
      }
      node = next;
    }
    node.shape = shape;
    this.#count += 1;
  }
}
