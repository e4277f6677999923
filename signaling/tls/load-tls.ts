import { systemClock } from '../clock.js';
import type { ServerConfig } from '../config.js';
import { localNames } from './local-names.js';
import { ensureSelfSigned } from './self-signed.js';
import { certificateFingerprint, readPemFiles, type TlsCredentials } from './tls-credentials.js';

export interface LoadedTls {
  credentials: TlsCredentials;
  /** Lines for people to read at start-up: the fingerprint, and what a self-signed start did. */
  notes: string[];
}

/** Reads or makes the certificate the configuration asks for; undefined for plain HTTP. */
export async function loadTls(config: Pick<ServerConfig, 'tls' | 'dataDir'>): Promise<LoadedTls | undefined> {
  const tls = config.tls;
  if (!tls) return undefined;
  if (tls.kind === 'files') {
    const credentials = await readPemFiles(tls.certPath, tls.keyPath);
    return {
      credentials,
      notes: [`TLS certificate SHA-256 fingerprint: ${certificateFingerprint(credentials.cert)}`],
    };
  }
  const names = localNames();
  const made = await ensureSelfSigned(config.dataDir, names, systemClock);
  return {
    credentials: made,
    notes: [
      `Self-signed certificate (${made.created ? 'new' : 'reused'}) for ${[...names.dns, ...names.ips].join(', ')}`,
      `TLS certificate SHA-256 fingerprint: ${certificateFingerprint(made.cert)}`,
      'Browsers will warn about it once: compare this fingerprint with the one they show, then accept it.',
    ],
  };
}
