import { randomInt } from 'node:crypto';
import { ArgumentError } from '../../src/errors';
import { FAULT_KINDS, type FaultKind } from './fault-timeline';

/** What `npm run chaos -- ...` accepts. */
export interface ChaosOptions {
  /** Total workload time, split between the modes of `both`, in seconds. Default 60. */
  seconds: number;
  /** Seed of the fault schedule and statement mix (printed, to replay a run). Default: random. */
  seed: number;
  /** `direct`, `haproxy` or `both` (the time is split). Default `both`. */
  mode: 'direct' | 'haproxy' | 'both';
  /** `retry-dml`: the deliberately broken rule (every INSERT marked idempotent). Default none. */
  break: 'retry-dml' | undefined;
  /** Faults to inject. Default all of {@link FAULT_KINDS}. */
  faults: FaultKind[];
  /** Concurrent workers. Default 16. */
  workers: number;
  /** Demand zero sessions right after close (Impala's 15 min disconnected-session timeout in the simulator). Default false. */
  strictClose: boolean;
  /** Print the fault timeline too. Default false. */
  verbose: boolean;
  /** Print usage and exit. */
  help: boolean;
}

export const USAGE = `usage: npm run chaos -- [--seconds N] [--seed S] [--mode direct|haproxy|both] [--break retry-dml]
                        [--faults ${FAULT_KINDS.join(',')}] [--workers N] [--strict-close] [--verbose]

  --seconds N   workload time in seconds, split between the modes of 'both' (default 60)
  --seed S      integer 0..4294967295 that fixes the fault schedule and statement mix (default: random, printed)
  --mode M      direct: the client knows the 3 coordinators; haproxy: only HAProxy's address; both (default)
  --break R     retry-dml: mark every INSERT idempotent, so the client retries it after an unknown
                outcome; the soak must then FAIL (double execution), which shows it catches that bug
  --faults L    comma-separated subset of: ${FAULT_KINDS.join(', ')} (default all)
  --workers N   concurrent workers, 1..64 (default 16)
  --strict-close  demand zero sessions and operations right after close, with Impala's 15 min
                disconnected-session timeout in the simulator (by default it lets go of a session
                4 s after its socket closed, and the check waits for that)
  --verbose     print the fault timeline of each round`;

const FLAGS = ['--seconds', '--seed', '--mode', '--break', '--faults', '--workers', '--strict-close', '--verbose', '--help'];
const SWITCHES: Readonly<Record<string, 'strictClose' | 'verbose' | 'help'>> = { '--strict-close': 'strictClose', '--verbose': 'verbose', '--help': 'help' };

/**
 * Parses the soak's command-line arguments (`--flag value` or `--flag=value`).
 *
 * @throws ArgumentError naming the bad flag or value and what is accepted.
 */
export function parseChaosArgs(argv: readonly string[]): ChaosOptions {
  const o: ChaosOptions = { seconds: 60, seed: randomInt(0, 2 ** 32), mode: 'both', break: undefined, faults: [...FAULT_KINDS], workers: 16, strictClose: false, verbose: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (!FLAGS.includes(flag)) throw new ArgumentError(`unknown argument '${arg}'; accepted: ${FLAGS.join(', ')}`);
    const sw = SWITCHES[flag];
    if (sw !== undefined) {
      if (eq > 0) throw new ArgumentError(`${flag} takes no value`);
      o[sw] = true;
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '') throw new ArgumentError(`${flag} needs a value`);
    switch (flag) {
      case '--seconds':
        o.seconds = number(flag, value, 1, 3600, false);
        break;
      case '--seed':
        o.seed = number(flag, value, 0, 2 ** 32 - 1, true);
        break;
      case '--workers':
        o.workers = number(flag, value, 1, 64, true);
        break;
      case '--mode':
        if (value !== 'direct' && value !== 'haproxy' && value !== 'both') throw new ArgumentError(`--mode must be direct, haproxy or both, got '${value}'`);
        o.mode = value;
        break;
      case '--break':
        if (value !== 'retry-dml') throw new ArgumentError(`--break accepts only 'retry-dml', got '${value}'`);
        o.break = value;
        break;
      case '--faults':
        o.faults = faultList(value);
        break;
    }
  }
  return o;
}

function number(flag: string, value: string, min: number, max: number, integer: boolean): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw new ArgumentError(`${flag} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got '${value}'`);
  }
  return n;
}

function faultList(value: string): FaultKind[] {
  const out: FaultKind[] = [];
  for (const name of value.split(',').map((s) => s.trim())) {
    if (!(FAULT_KINDS as readonly string[]).includes(name)) throw new ArgumentError(`--faults: unknown fault '${name}'; accepted: ${FAULT_KINDS.join(', ')}`);
    if (!out.includes(name as FaultKind)) out.push(name as FaultKind);
  }
  return out;
}
