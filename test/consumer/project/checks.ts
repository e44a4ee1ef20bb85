// Compiled beside the README's handler.ts with the consumer's strict settings. Each
// `@ts-expect-error` fails the compile if its line stops being an error, as it would if the package's
// declarations were missing or resolved to `any`.
import type { Context } from 'aws-lambda';
import {
  CircuitBreaker,
  type CircuitBreakerOptions,
  createLeaseDocumentClient,
  type EnrichmentReportOptions,
  type LeaseEnrichmentContext,
  type LeaseEnrichmentOptions,
  type LeaseKeyOptions,
  leaseEnrichment,
  leaseKey,
} from 'lease-enrichment';
import { EnrichmentMetric } from 'lease-enrichment/enrichment-report';
import { leaseKey as leaseKeyAlone } from 'lease-enrichment/lease-key';
import { handler } from './handler.js';

declare const context: LeaseEnrichmentContext;
const outcome: 'enriched' | 'not-found' | 'skipped' | 'failed' = context.enrichment.status;
const plain: Context = context;
const metricName: string = EnrichmentMetric.QueryLatency;
const options: [
  CircuitBreakerOptions,
  LeaseEnrichmentOptions['budgetMs'],
  EnrichmentReportOptions['knownFingerprints'],
  LeaseKeyOptions<unknown>['extract'],
] = [{ failureThreshold: 3 }, 2000, ['29231d29219c79ab'], undefined];
export const used = [outcome, plain, metricName, options, new CircuitBreaker(), createLeaseDocumentClient, leaseKeyAlone];

// @ts-expect-error: logger is required
leaseKey({});
// @ts-expect-error: a budget is a number of milliseconds
leaseEnrichment({ logger: console, budgetMs: '2s' });
// @ts-expect-error: no such subpath
await import('lease-enrichment/src/index.js');
// @ts-expect-error: the README's handler takes the reminder events, with their detail
await handler({ detail: 'not a reminder' }, context);
