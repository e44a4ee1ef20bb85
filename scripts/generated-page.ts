/**
 * A docs page whose part between two markers is generated from the code: the one place that swaps
 * that part for a fresh rendering, and that writes the page or (`--check`) fails when it is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';

/** A page, its markers and how to render what goes between them (the markers included). */
export interface GeneratedPage {
  readonly path: string;
  readonly start: string;
  readonly end: string;
  readonly render: () => string;
}

/**
 * The page with its generated part replaced by a fresh rendering.
 *
 * @example
 * renderedPage(leaseModelPage) === readFileSync(leaseModelPage.path, 'utf8'); // when up to date
 */
export const renderedPage = ({ path, start, end, render }: GeneratedPage, page = readFileSync(path, 'utf8')): string => {
  const from = page.indexOf(start);
  const to = page.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${path} has lost its generated-part markers`);
  return `${page.slice(0, from)}${render()}${page.slice(to + end.length)}`;
};

/** What `npm run build:docs` runs: rewrites the page, or with `--check` exits 1 when it is stale. */
export const writeOrCheck = (generated: GeneratedPage, argv: readonly string[] = process.argv): void => {
  const current = readFileSync(generated.path, 'utf8');
  const fresh = renderedPage(generated, current);
  if (!argv.includes('--check')) {
    writeFileSync(generated.path, fresh);
  } else if (current !== fresh) {
    process.stderr.write(`${generated.path} is out of date: run npm run build:docs\n`);
    process.exitCode = 1;
  }
};
