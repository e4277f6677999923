/**
 * `--self-signed`: a certificate for this host's names, made once and kept in `DATA_DIR/tls/`, so
 * people accept it in their browser once and not after every restart.
 *
 * Made with @peculiar/x509 on Node's Web Crypto: an ECDSA P-256 key is generated in milliseconds
 * (no pure-JS RSA), and its alternative-name builder takes IP addresses as well as DNS names, which
 * a LAN server reached as https://192.168.1.20:8080 needs.
 */
import { X509Certificate, randomBytes, webcrypto } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../clock.js';
import type { LocalNames } from './local-names.js';
import type { TlsCredentials } from './tls-credentials.js';

/** Where in `DATA_DIR` the certificate and key are kept. */
export const SELF_SIGNED_DIR = 'tls';
export const SELF_SIGNED_CERT_FILE = 'self-signed-cert.pem';
export const SELF_SIGNED_KEY_FILE = 'self-signed-key.pem';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Apple platforms refuse server certificates valid for more than 825 days, even trusted by hand. */
const VALIDITY_DAYS = 365;
/** Renewed this long before it expires, so a server restarted now does not stop working next week. */
const RENEW_BEFORE_MS = 30 * DAY_MS;

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export interface SelfSigned extends TlsCredentials {
  /** True when it was made now, false when the kept one was reused. */
  created: boolean;
}

/** Reuses the kept certificate when it covers exactly `names` and is not about to expire; else makes one. */
export async function ensureSelfSigned(
  dataDir: string,
  names: LocalNames,
  clock: Clock,
): Promise<SelfSigned> {
  const dir = join(dataDir, SELF_SIGNED_DIR);
  const certPath = join(dir, SELF_SIGNED_CERT_FILE);
  const keyPath = join(dir, SELF_SIGNED_KEY_FILE);
  const kept = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]).catch(() => null);
  if (kept && isReusable(kept[0], names, clock.now())) return { cert: kept[0], key: kept[1], created: false };

  const made = await makeSelfSigned(names, clock.now());
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // Key first, each through a rename, so a crash never leaves a certificate without its key.
  await writeAtomically(keyPath, made.key, 0o600);
  await writeAtomically(certPath, made.cert, 0o644);
  return { ...made, created: true };
}

/** A certificate that parses, is valid for at least `RENEW_BEFORE_MS` more and names exactly `names`. */
function isReusable(pem: string, names: LocalNames, now: number): boolean {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch {
    return false;
  }
  if (Date.parse(cert.validTo) - now < RENEW_BEFORE_MS || Date.parse(cert.validFrom) > now) return false;
  const entries = (cert.subjectAltName ?? '').split(', ').filter((entry) => entry !== '');
  if (entries.length !== names.dns.length + names.ips.length) return false;
  return (
    names.dns.every((name) => cert.checkHost(name, { wildcards: false }) !== undefined) &&
    names.ips.every((ip) => cert.checkIP(ip) !== undefined)
  );
}

export async function makeSelfSigned(names: LocalNames, now: number): Promise<TlsCredentials> {
  // Loaded only here: the library and its dependencies take a noticeable part of start-up, and a
  // server without --self-signed (or reusing its kept certificate) never needs them.
  const x509 = await import('@peculiar/x509');
  // Explicit rather than the library's lookup of a global `crypto`, which the signaling types do not declare.
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    // Positive and unique: browsers remember certificates by issuer and serial.
    serialNumber: `01${randomBytes(15).toString('hex')}`,
    name: `CN=Parley on ${names.dns.find((name) => name !== 'localhost') ?? 'localhost'}`,
    // An hour back, for clients whose clocks run a little behind.
    notBefore: new Date(now - 60 * 60 * 1000),
    notAfter: new Date(now + VALIDITY_DAYS * DAY_MS),
    signingAlgorithm: ALGORITHM,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        ...names.dns.map((value) => ({ type: 'dns' as const, value })),
        ...names.ips.map((value) => ({ type: 'ip' as const, value })),
      ]),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  const pem = (text: string): string => `${text.trimEnd()}\n`;
  return { cert: pem(cert.toString('pem')), key: pem(x509.PemConverter.encode(pkcs8, 'PRIVATE KEY')) };
}

async function writeAtomically(path: string, text: string, mode: number): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, text, { mode });
  await rename(temp, path);
}
