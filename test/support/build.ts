import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from './process';

/**
 * Compiles the apps into a folder of their own inside the checkout (so node_modules and templates
 * resolve), for tests that run Resonance as separate processes without touching `dist/`, which other
 * tests rebuild. Returns the path of an app's entry point in that build.
 */
export function buildApps(name: string): { entry(app: 'api' | 'worker' | 'cli'): string; remove(): void } {
  const dir = join(PROJECT_ROOT, `.test-build-${name}-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  execFileSync(
    join(PROJECT_ROOT, 'node_modules', '.bin', 'swc'),
    ['apps', 'libs', 'migrations', '-d', dir, '--quiet'],
    {
      cwd: PROJECT_ROOT,
      stdio: 'pipe',
    },
  );
  return {
    entry: (app) => join(dir, 'apps', app, 'src', 'main.js'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
