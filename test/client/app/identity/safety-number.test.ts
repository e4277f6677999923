import { expect } from '@open-wc/testing';
import { nobleProvider } from '../../../../client/app/identity/noble-provider.js';
import { groupDigits, safetyNumber } from '../../../../client/app/identity/safety-number.js';
import { webCryptoProvider } from '../../../../client/app/identity/webcrypto-provider.js';
import { hexToBytes } from '../../../../shared/identity-protocol.js';

// libsignal rust/protocol/src/fingerprint.rs, `fingerprint_test_v1` (testVectorsVersion1 in Java).
const ALICE = {
  id: '+14152222222',
  key: hexToBytes('0506863bc66d02b40d27b8d49ca7c09e9239236f9d7d25d6fcca5ce13c7064d868'),
};
const BOB = {
  id: '+14153333333',
  key: hexToBytes('05f781b6fb32fed9ba1cf2de978d4d5da28dc34046ae814402b5c0dbd96fda907b'),
};
const DISPLAYABLE = '300354477692869396892869876765458257569162576843440918079131';

describe('safety number', () => {
  it('matches libsignal’s published test vector, from either side', async () => {
    expect(await safetyNumber(ALICE, BOB)).to.equal(DISPLAYABLE);
    expect(await safetyNumber(BOB, ALICE)).to.equal(DISPLAYABLE);
  });

  for (const [name, crypto] of [
    ['WebCrypto', webCryptoProvider],
    ['noble', nobleProvider],
  ] as const) {
    it(`matches the vector with ${name}’s SHA-512 (a page without WebCrypto gets the same digits)`, async () => {
      expect(await safetyNumber(ALICE, BOB, undefined, crypto)).to.equal(DISPLAYABLE);
    });
  }

  it('changes when either key or either id does', async () => {
    const other = hexToBytes('05' + '11'.repeat(32));
    expect(await safetyNumber(ALICE, { ...BOB, key: other })).to.not.equal(DISPLAYABLE);
    expect(await safetyNumber({ ...ALICE, id: '+14152222223' }, BOB)).to.not.equal(DISPLAYABLE);
  });

  it('reads as 12 groups of 5 digits', () => {
    expect(groupDigits(DISPLAYABLE).split(' ')).to.have.length(12);
    expect(groupDigits(DISPLAYABLE).startsWith('30035 44776 ')).to.equal(true);
  });
});
