import { expect } from '@open-wc/testing';
import type { AppStore } from '../../../../client/app/session/app-store.js';
import { loadSession, saveSession } from '../../../../client/storage/session-token.js';
import { ErrorCode } from '../../../../shared/errors.js';
import { ServerSide, forgetAureliaAfterEach, startStore, until, welcome } from './server-side.js';

const token = 't'.repeat(32);

async function resumed(server: ServerSide): Promise<AppStore> {
  saveSession({ user: 'aurelia', token, expiresAt: Date.now() + 3_600_000 });
  return startStore(server);
}

/** Waits (bounded by mocha's timeout) until the client has sent `count` frames. */
async function sentAtLeast(server: ServerSide, count: number): Promise<void> {
  while (server.sent.length < count) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('AppStore: a resume the server answers "busy"', () => {
  const kept = forgetAureliaAfterEach();

  it('keeps the session and asks again after the wait the server named', async () => {
    const server = new ServerSide();
    const store = kept(await resumed(server));
    expect(server.sent.map((frame) => frame.type)).to.deep.equal(['resume']);

    server.say({
      type: 'error',
      code: ErrorCode.RateLimited,
      message: 'The server is busy; try again in a moment.',
      ref: 'resume',
      retryAfterMs: 30,
    });
    // Asked again: the error was handled, and the session is still there.
    await sentAtLeast(server, 2);
    expect(server.sent[1]).to.include({ type: 'resume', token });
    expect(store.auth.kind).to.equal('signed-in');
    expect(loadSession()?.token).to.equal(token);
    server.say(welcome({ token }));
    await until(store, () => store.messenger !== null && store.messenger !== undefined);
    expect(store.auth).to.deep.include({ kind: 'signed-in', user: 'aurelia' });
  });

  it('still signs out when the session itself has expired', async () => {
    const server = new ServerSide();
    const store = kept(await resumed(server));
    server.say({
      type: 'error',
      code: ErrorCode.SessionExpired,
      message: 'The session has expired; log in again.',
      ref: 'resume',
    });
    await until(store, () => store.auth.kind === 'signed-out');
    expect(loadSession()).to.equal(null);
  });
});
