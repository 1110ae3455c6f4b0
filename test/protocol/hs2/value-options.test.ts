import { strict as assert } from 'node:assert';
import { ArgumentError } from '../../../src/errors';
import { resolveValueOptions, VALUE_DEFAULTS } from '../../../src/protocol/hs2/value-options';

describe('resolveValueOptions', () => {
  it('the same combination resolves to the same frozen object, whatever other call options come with it', () => {
    const a = resolveValueOptions({ bigint: 'number', rowMode: 'array', fetchSize: 10 } as never);
    const b = resolveValueOptions({ bigint: 'number', rowMode: 'array', timeoutMs: 5 } as never);
    assert.equal(a, b);
    assert.ok(Object.isFrozen(a));
    assert.deepEqual({ ...a }, { ...VALUE_DEFAULTS, bigint: 'number', rowMode: 'array' });
    assert.equal(resolveValueOptions(a), a);
  });

  it('an invalid value is refused every time, also after valid combinations were resolved (no cache hit for it)', () => {
    resolveValueOptions({ bigint: 'string' });
    for (let i = 0; i < 2; i++) {
      assert.throws(() => resolveValueOptions({ bigint: 'undefined' as never }), (e: unknown) => e instanceof ArgumentError && /bigint must be one of 'bigint', 'number', 'string'; got 'undefined'/.test(e.message));
      assert.throws(() => resolveValueOptions({ bigint: { toString: () => 'string' } as never }), ArgumentError);
      assert.throws(() => resolveValueOptions({ bigint: 'string|sstring' as never }), ArgumentError);
      assert.throws(() => resolveValueOptions({ rowMode: '' as never }), ArgumentError);
    }
  });

  it('all defaults (given explicitly) resolve to values equal to the defaults', () => {
    assert.deepEqual({ ...resolveValueOptions({ ...VALUE_DEFAULTS }) }, { ...VALUE_DEFAULTS });
  });

  it('alternating combinations each resolve to their own values (the last-combination shortcut never answers for another)', () => {
    const a = { bigint: 'number', rowMode: 'array', fetchSize: 5 } as const;
    const b = { bigint: 'number', rowMode: 'object', params: [1] } as const;
    for (let i = 0; i < 3; i++) {
      assert.equal(resolveValueOptions({ ...a }).rowMode, 'array');
      assert.equal(resolveValueOptions({ ...b }).rowMode, 'object');
      assert.equal(resolveValueOptions({ ...b, timestamp: 'date' }).timestamp, 'date');
      assert.equal(resolveValueOptions({ ...b }).timestamp, 'string');
    }
  });

  it('a frozen object resolves to the same answer every time; an unfrozen one is read again', () => {
    const frozen = Object.freeze({ strings: 'buffer' as const, signal: undefined });
    assert.equal(resolveValueOptions(frozen), resolveValueOptions(frozen));
    assert.equal(resolveValueOptions(frozen).strings, 'buffer');
    const open: { strings: 'buffer' | 'string' } = { strings: 'buffer' };
    assert.equal(resolveValueOptions(open).strings, 'buffer');
    open.strings = 'string';
    assert.equal(resolveValueOptions(open).strings, 'string');
  });
});
