import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';

/** A certificate (chain) and its private key, PEM-encoded, as `https.createServer` takes them. */
export interface TlsCredentials {
  cert: string;
  key: string;
}

/** Reads `TLS_CERT` and `TLS_KEY`; a missing or unreadable file fails start-up with its path. */
export async function readPemFiles(certPath: string, keyPath: string): Promise<TlsCredentials> {
  const read = (variable: string, path: string): Promise<string> =>
    readFile(path, 'utf8').catch((error: unknown) => {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`${variable}: cannot read ${path}: ${reason}`);
    });
  // One after the other: when both are missing, the error always names TLS_CERT first.
  const cert = await read('TLS_CERT', certPath);
  const key = await read('TLS_KEY', keyPath);
  if (!cert.includes('-----BEGIN CERTIFICATE-----'))
    throw new Error(`TLS_CERT: ${certPath} holds no PEM certificate`);
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(key))
    throw new Error(`TLS_KEY: ${keyPath} holds no PEM private key`);
  return { cert, key };
}

/**
 * The SHA-256 fingerprint of the first certificate in `pem` (the server's own, before any chain), as
 * colon-separated hex: what a browser's certificate viewer shows, so people can compare.
 */
export function certificateFingerprint(pem: string): string {
  return new X509Certificate(pem).fingerprint256;
}
