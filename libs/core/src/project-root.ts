import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

let cached: string | null = null;

/** The checkout's root (where `templates/` lives), found from this file whether run from src or dist. */
export function projectRoot(): string {
  if (cached) return cached;
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'templates')) && existsSync(join(dir, 'package.json'))) return (cached = dir);
  }
  throw new Error(
    'Cannot find the project root (a folder with templates/ and package.json) above ' + __dirname,
  );
}
