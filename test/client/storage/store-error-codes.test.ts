// Storage's refusals carry codes of the one registry in shared/errors.ts, in the shared error shape.
import { expect } from '@open-wc/testing';
import { FileStoreError, FileStoreErrorCode } from '../../../client/storage/file-store.js';
import { CodedError, ErrorCode, ProtocolError, StoreErrorCode } from '../../../shared/errors.js';

describe('storage error codes', () => {
  it('are the registry’s storage codes, and no code means two things', () => {
    expect(FileStoreErrorCode).to.equal(StoreErrorCode);
    const all = [...Object.values(ErrorCode), ...Object.values(StoreErrorCode)];
    expect(new Set(all).size).to.equal(all.length);
  });

  it('are thrown in the shape every Parley error has: code, detail, and both in the message', () => {
    const refused = new FileStoreError(StoreErrorCode.WrongStart, 'file 1 has 3, not 4', 3);
    expect(refused).to.be.instanceOf(CodedError);
    expect(refused).not.to.be.instanceOf(ProtocolError);
    expect(refused.name).to.equal('FileStoreError');
    expect(refused.message).to.equal('ERR_FILE_WRONG_START: file 1 has 3, not 4');
    expect(refused.have).to.equal(3);
    const bad = new ProtocolError(ErrorCode.BadRow, 'messages "1": text');
    expect(bad).to.be.instanceOf(CodedError);
    expect(bad.name).to.equal('ProtocolError');
  });
});
