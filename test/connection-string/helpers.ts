import assert from 'node:assert/strict';
import { ConfigError, ImpalaError } from '../../src/errors';
import { Secret } from '../../src/connection-string';

/** Options with each Secret replaced by `{ secret: <text> }`, so deepStrictEqual can compare passwords. */
export function plain(options: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    out[key] = value instanceof Secret ? { secret: value.reveal() } : Array.isArray(value) ? [...value] : value;
  }
  return out;
}

/** Runs `fn`, asserts it throws a ConfigError with `code`, and returns the error. */
export function expectConfigError(fn: () => unknown, code: string, message?: RegExp): ConfigError {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  assert.ok(thrown !== undefined, `expected ${code}, but nothing was thrown`);
  assert.ok(thrown instanceof ConfigError, `expected a ConfigError, got ${String(thrown)}`);
  assert.ok(thrown instanceof ImpalaError);
  assert.equal(thrown.family, 'config');
  assert.equal(thrown.code, code, `code of: ${thrown.message}`);
  if (message) assert.match(thrown.message, message);
  return thrown;
}
