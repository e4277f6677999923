import { expect } from '@open-wc/testing';
import {
  SESSION_STORAGE_KEY,
  clearSession,
  loadSession,
  saveSession,
} from '../../../client/storage/session-token.js';

describe('remembered session', () => {
  afterEach(() => localStorage.removeItem(SESSION_STORAGE_KEY));

  const session = { user: 'Alice', token: 'a'.repeat(43), expiresAt: 1_900_000_000_000 };

  it('gives back the session it saved', () => {
    expect(saveSession(session)).to.equal(true);
    expect(loadSession()).to.deep.equal(session);
  });

  it('keeps only the session fields of the object it is given', () => {
    saveSession({ ...session, password: 'never stored' } as typeof session);
    expect(localStorage.getItem(SESSION_STORAGE_KEY)).to.not.contain('never stored');
    expect(loadSession()).to.deep.equal(session);
  });

  it('replaces the previous session', () => {
    saveSession(session);
    saveSession({ user: 'bob', token: 'b', expiresAt: 1 });
    expect(loadSession()).to.deep.equal({ user: 'bob', token: 'b', expiresAt: 1 });
  });

  it('gives back an expired session too, for the caller to judge', () => {
    saveSession({ ...session, expiresAt: 0 });
    expect(loadSession()?.expiresAt).to.equal(0);
  });

  it('has nothing to give back before any session is saved', () => {
    expect(loadSession()).to.equal(null);
  });

  it('forgets the session on clearSession', () => {
    saveSession(session);
    clearSession();
    expect(loadSession()).to.equal(null);
    expect(localStorage.getItem(SESSION_STORAGE_KEY)).to.equal(null);
  });

  const malformed: Array<[string, string]> = [
    ['text that is not JSON', '{"user": "alice", '],
    ['JSON that is not an object', '"a-token"'],
    ['null', 'null'],
    ['a missing token', JSON.stringify({ user: 'alice', expiresAt: 1 })],
    ['an empty token', JSON.stringify({ user: 'alice', token: '', expiresAt: 1 })],
    ['an empty user', JSON.stringify({ user: '', token: 't', expiresAt: 1 })],
    ['an expiry that is not a number', JSON.stringify({ user: 'alice', token: 't', expiresAt: 'soon' })],
    ['an unknown field', JSON.stringify({ user: 'alice', token: 't', expiresAt: 1, admin: true })],
  ];
  for (const [what, stored] of malformed) {
    it(`rejects a stored value with ${what}`, () => {
      localStorage.setItem(SESSION_STORAGE_KEY, stored);
      expect(loadSession()).to.equal(null);
    });
  }
});
