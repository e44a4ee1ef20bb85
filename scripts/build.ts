/**
 * `npm run build` (and `prepack`): compiles the package into `dist/` with `tsc -p tsconfig.build.json`
 * (ES modules, declarations, source maps), then copies in the generated key validator, which is
 * JavaScript with hand-written types and so is not tsc's to emit.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const fromRoot = (path: string): string => fileURLToPath(new URL(`../${path}`, import.meta.url));
const GENERATED = 'middleware/lease-key/validate-lease-key.generated';

// A stale file from a removed module must not ship.
rmSync(fromRoot('dist'), { recursive: true, force: true });
execFileSync(process.execPath, [fromRoot('node_modules/typescript/bin/tsc'), '-p', fromRoot('tsconfig.build.json')], {
  stdio: 'inherit',
});
for (const extension of ['.js', '.d.ts']) {
  copyFileSync(fromRoot(`src/${GENERATED}${extension}`), fromRoot(`dist/${GENERATED}${extension}`));
}
