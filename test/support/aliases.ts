import Module from 'node:module';
import { join } from 'node:path';

/**
 * Jest applies moduleNameMapper inside test files only; the global setup runs under Node's own
 * require, so it resolves the `@app/*` and `@migrations` aliases here (the same map as tsconfig).
 */
const root = join(__dirname, '..', '..');
const resolver = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
const original = resolver._resolveFilename;
resolver._resolveFilename = function resolveAlias(request: string, ...rest: unknown[]): string {
  if (request.startsWith('@app/')) request = join(root, 'libs', request.slice('@app/'.length), 'src');
  else if (request === '@migrations') request = join(root, 'migrations');
  return original.call(this, request, ...rest);
};
