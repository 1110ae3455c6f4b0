const REDACTED = '***';

/**
 * A password (or other credential) that does not leak by accident.
 *
 * The value lives in a private field: it is not enumerable, not copied by spreading or
 * `structuredClone`, and `String(secret)`, template literals, `JSON.stringify` and
 * `util.inspect` / `console.log` all print `***`. Only {@link Secret.reveal} returns it,
 * so every place that sends the password on the wire is easy to find.
 */
export class Secret {
  readonly #value: string;

  /** @param value The secret text, kept exactly as given (no trimming or decoding). */
  constructor(value: string) {
    if (typeof value !== 'string') throw new TypeError('Secret value must be a string');
    this.#value = value;
  }

  /** Wraps a string, or returns the same {@link Secret} when given one. */
  static from(value: string | Secret): Secret {
    return value instanceof Secret ? value : new Secret(value);
  }

  /** The secret text. Call it only where the value is handed to the transport. */
  reveal(): string {
    return this.#value;
  }

  /** Whether two secrets hold the same text, without revealing either. */
  equals(other: Secret | undefined): boolean {
    return other instanceof Secret && other.#value === this.#value;
  }

  /** Always `***`. */
  toString(): string {
    return REDACTED;
  }

  /** Always `***`, so `JSON.stringify` never writes the value. */
  toJSON(): string {
    return REDACTED;
  }

  /** Always `***`, for string and default coercion alike. */
  [Symbol.toPrimitive](): string {
    return REDACTED;
  }

  /** `util.inspect` and `console.log` print `***`. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return REDACTED;
  }
}
