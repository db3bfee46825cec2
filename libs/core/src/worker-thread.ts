import { existsSync } from 'node:fs';
import { Worker, WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread on `modulePath` (without extension): the compiled `.js` beside this build,
 * or, when running from sources (jest), the `.ts` file compiled on load by swc the way jest does.
 * A worker module imports only relative paths and packages (no `@app/*` aliases).
 */
export function startWorkerThread(modulePath: string, options: WorkerOptions): Worker {
  if (existsSync(`${modulePath}.js`)) return new Worker(`${modulePath}.js`, options);
  const bootstrap = `
    const Module = require('node:module');
    const { readFileSync } = require('node:fs');
    const { transformSync } = require('@swc/core');
    Module._extensions['.ts'] = (module, filename) => {
      const { code } = transformSync(readFileSync(filename, 'utf8'), {
        filename, swcrc: false, module: { type: 'commonjs' },
        jsc: { target: 'es2023', parser: { syntax: 'typescript' } },
      });
      module._compile(code, filename);
    };
    require(${JSON.stringify(`${modulePath}.ts`)});`;
  return new Worker(bootstrap, { ...options, eval: true });
}
