import { hostname, networkInterfaces } from 'node:os';

/** The names a self-signed certificate should cover, each list sorted and without duplicates. */
export interface LocalNames {
  dns: string[];
  ips: string[];
}

/**
 * This host's names and addresses: `localhost`, the hostname (and `<hostname>.local`, the name mDNS
 * gives it on a LAN), 127.0.0.1, ::1 and the address of every interface. IPv6 link-local addresses
 * (fe80::/10) are left out: they need a zone id, which browsers do not accept in a URL.
 */
export function localNames(): LocalNames {
  const dns = new Set(['localhost']);
  const host = hostname().trim().toLowerCase();
  if (host !== '' && host !== 'localhost') {
    dns.add(host);
    if (!host.includes('.')) dns.add(`${host}.local`);
  }
  const ips = new Set(['127.0.0.1', '::1']);
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.family === 'IPv6' && /^fe[89ab]/i.test(address.address)) continue;
      ips.add(address.address);
    }
  }
  return { dns: [...dns].sort(), ips: [...ips].sort() };
}
