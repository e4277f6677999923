#!/usr/bin/env node
// Stands in for Firefox when Playwright launches it (test/e2e/harness/firefox.ts): starts the real
// Firefox with the same arguments and sits between Playwright and Firefox's WebDriver BiDi socket,
// filling in two things Firefox ESR 153 does not speak yet that playwright-core 1.65 relies on.
// Everything else passes through untouched, and once Firefox speaks them the shim changes nothing.
//
// HACK 1: every new browser context first sends `emulation.setMediaFeaturesOverride`, a command the
// spec gained in 2026 (https://github.com/w3c/webdriver-bidi/pull/1076); Firefox answers "unknown
// command" and `newContext()` fails. That answer becomes an empty success: the tests emulate no
// media features.
//
// HACK 2: Playwright pairs `browsingContext.downloadWillBegin` with `downloadEnd` by the events'
// `download` id (https://github.com/w3c/webdriver-bidi/pull/1117) or, lacking it, their navigation
// id, and drops events with neither. Firefox sends no `download` id yet
// (https://bugzilla.mozilla.org/show_bug.cgi?id=2040936), and a click on a `download` link (how
// Parley saves files and exports) is no navigation, so `page.waitForEvent('download')` never fired.
// Such events get an id here, the same for both events of one download (same context and URL).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import WebSocket, { WebSocketServer } from 'ws';

/** Commands whose absence only loses an emulation the tests do not use. */
const TOLERATED = new Set(['emulation.setMediaFeaturesOverride']);
const LISTENING = /^WebDriver BiDi listening on (ws:\/\/\S+)\s*$/;

const firefox = spawn(process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr', process.argv.slice(2), {
  stdio: ['ignore', 'inherit', 'pipe'],
});
firefox.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => firefox.kill(signal));

createInterface({ input: firefox.stderr }).on('line', (line) => {
  const listening = LISTENING.exec(line);
  if (!listening) {
    process.stderr.write(`${line}\n`);
    return;
  }
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 }, () => {
    // Playwright reads this line (as Firefox prints it) to find the socket: ours now.
    process.stderr.write(`WebDriver BiDi listening on ws://127.0.0.1:${server.address().port}\n`);
  });
  server.on('connection', (client, request) => relay(client, new WebSocket(`${listening[1]}${request.url}`)));
});

/** Passes frames both ways between Playwright (`client`) and Firefox (`upstream`). */
function relay(client, upstream) {
  const waiting = [];
  /** Ids of commands in TOLERATED still waiting for their answer. */
  const tolerated = new Set();
  const downloads = new DownloadIds();
  upstream.on('open', () => waiting.splice(0).forEach((frame) => upstream.send(frame)));
  upstream.on('message', (data) => client.send(rewrite(data.toString(), tolerated, downloads)));
  upstream.on('close', () => client.close());
  upstream.on('error', () => client.close());
  client.on('close', () => upstream.close());
  client.on('message', (data) => {
    const frame = data.toString();
    const command = JSON.parse(frame);
    if (TOLERATED.has(command.method)) tolerated.add(command.id);
    if (upstream.readyState === WebSocket.OPEN) upstream.send(frame);
    else waiting.push(frame);
  });
}

/** A frame from Firefox as Playwright needs it. */
function rewrite(frame, tolerated, downloads) {
  const message = JSON.parse(frame);
  if (message.type === 'event') return downloads.fillIn(message) ? JSON.stringify(message) : frame;
  if (!tolerated.delete(message.id)) return frame;
  if (message.type !== 'error' || message.error !== 'unknown command') return frame;
  return JSON.stringify({ type: 'success', id: message.id, result: {} });
}

class DownloadIds {
  #next = 0;
  /** Ids of downloads that began and have not ended, by context and URL. */
  #open = new Map();

  /** Gives a download event without an id one; returns whether it changed `event`. */
  fillIn(event) {
    const { method, params } = event;
    if (method !== 'browsingContext.downloadWillBegin' && method !== 'browsingContext.downloadEnd')
      return false;
    if (params.download || params.navigation) return false;
    const key = `${params.context} ${params.url}`;
    if (method === 'browsingContext.downloadWillBegin') {
      this.#next += 1;
      this.#open.set(key, `shim-download-${this.#next}`);
    }
    params.download = this.#open.get(key);
    if (method === 'browsingContext.downloadEnd') this.#open.delete(key);
    return params.download !== undefined;
  }
}
