'use strict';
/**
 * A dependency-free require hook for child processes that must run our TypeScript sources (the reliability
 * suite forks real worker processes): `node -r ./tests/support/transpileHook.js file.ts`. Each `.ts` file is
 * transpiled on load with `typescript.transpileModule` (no type checking: `npm test` type-checks once), with the
 * project's module settings. Transpiled output is cached in memory per process only.
 */
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const compilerOptions = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022,
  esModuleInterop: true,
  resolveJsonModule: true,
  sourceMap: false,
  inlineSourceMap: true,
  inlineSources: false,
};

function compile(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { outputText } = ts.transpileModule(source, { compilerOptions, fileName: filename, reportDiagnostics: false });
  module._compile(outputText, filename);
}

if (!require.extensions['.ts']) require.extensions['.ts'] = compile;

module.exports = { root: path.resolve(__dirname, '..', '..') };
