import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A certificate and its key, as PEM text and as files. */
export interface IssuedCert {
  cert: string;
  key: string;
  certFile: string;
  keyFile: string;
}

/**
 * Throwaway certificates made with the openssl command line: a test CA, and leaf
 * certificates it signs for the names asked (server or client use). Everything lives
 * in one temporary folder that {@link TestPki.remove} deletes.
 */
export class TestPki {
  readonly dir: string;
  readonly ca: IssuedCert;
  #serial = 1;

  constructor() {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'impala-ha-pki-'));
    this.ca = this.selfSigned('impala-ha test CA', []);
  }

  /** A self-signed certificate (a CA of its own that nobody trusts) for `sans` (`DNS:x`, `IP:1.2.3.4`). */
  selfSigned(cn: string, sans: readonly string[]): IssuedCert {
    const base = this.#next();
    const args = ['req', '-x509', ...keyArgs(`${base}.key`), '-out', `${base}.pem`, '-days', '2', '-subj', `/CN=${cn}`];
    if (sans.length > 0) args.push('-addext', `subjectAltName=${sans.join(',')}`);
    openssl(args);
    return read(base);
  }

  /** A certificate signed by {@link ca}; `use` sets its extended key usage. */
  issue(cn: string, sans: readonly string[], use: 'server' | 'client' = 'server'): IssuedCert {
    const base = this.#next();
    openssl(['req', ...keyArgs(`${base}.key`), '-out', `${base}.csr`, '-subj', `/CN=${cn}`]);
    const ext = [`extendedKeyUsage=${use === 'server' ? 'serverAuth' : 'clientAuth'}`, ...(sans.length > 0 ? [`subjectAltName=${sans.join(',')}`] : [])];
    fs.writeFileSync(`${base}.ext`, `${ext.join('\n')}\n`);
    openssl(['x509', '-req', '-in', `${base}.csr`, '-CA', this.ca.certFile, '-CAkey', this.ca.keyFile, '-set_serial', String(this.#serial * 1000 + 7), '-out', `${base}.pem`, '-days', '2', '-extfile', `${base}.ext`]);
    return read(base);
  }

  /** The key of `cert` encrypted with `passphrase` (PKCS#8, AES-256); returns the new key file. */
  encryptKey(cert: IssuedCert, passphrase: string): string {
    const out = `${cert.keyFile}.enc`;
    openssl(['pkcs8', '-topk8', '-in', cert.keyFile, '-out', out, '-v2', 'aes-256-cbc', '-passout', `pass:${passphrase}`]);
    return out;
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  #next(): string {
    return path.join(this.dir, `c${this.#serial++}`);
  }
}

function keyArgs(keyFile: string): string[] {
  // EC keys: generated in milliseconds, unlike RSA.
  return ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile];
}

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 });
}

function read(base: string): IssuedCert {
  return { cert: fs.readFileSync(`${base}.pem`, 'utf8'), key: fs.readFileSync(`${base}.key`, 'utf8'), certFile: `${base}.pem`, keyFile: `${base}.key` };
}
