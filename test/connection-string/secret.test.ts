import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { Secret } from '../../src/connection-string';

describe('Secret', () => {
  const secret = new Secret('hunter2-Zq');

  it('reveals its value only through reveal()', () => {
    assert.equal(secret.reveal(), 'hunter2-Zq');
  });

  it('prints *** everywhere a value is turned into text', () => {
    const texts = [
      String(secret),
      `${secret}`,
      secret + '',
      JSON.stringify({ password: secret }),
      inspect(secret),
      inspect({ nested: { password: secret } }, { depth: 10, showHidden: true }),
      inspect(secret, { customInspect: true, showHidden: true }),
    ];
    for (const text of texts) {
      assert.ok(!text.includes('hunter2'), text);
      assert.match(text, /\*\*\*/);
    }
  });

  it('has no enumerable or own string-keyed property holding the value', () => {
    assert.deepStrictEqual(Object.keys(secret), []);
    assert.deepStrictEqual(Object.getOwnPropertyNames(secret), []);
    assert.deepStrictEqual({ ...secret }, {});
    assert.ok(!JSON.stringify(structuredClone(secret)).includes('hunter2'));
  });

  it('compares by value without revealing', () => {
    assert.ok(secret.equals(new Secret('hunter2-Zq')));
    assert.ok(!secret.equals(new Secret('other')));
    assert.ok(!secret.equals(undefined));
    assert.equal(Secret.from(secret), secret);
    assert.equal(Secret.from('x').reveal(), 'x');
  });

  it('refuses a non-string value', () => {
    assert.throws(() => new Secret(42 as unknown as string), TypeError);
  });
});
