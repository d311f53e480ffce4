import { Logger } from '@nestjs/common';
import { MessageRefusedError } from '@kirim/messaging';
import { FakeTransactionScope, FixedClock } from '@kirim/testing';
import { InMemoryPartnerAccountLookupRepository } from '../../testing/bank-connector-fakes';
import { RecordAccountLookupAnswer } from './record-account-lookup-answer.use-case';

const LOOKUP_ID = '33333333-3333-4333-8333-333333333333';
const ACCOUNT = { accountRef: '22222222-2222-4222-8222-222222222222', maskedAccountNumber: 'XXXXXXXX4321', holderName: 'Ravi Shankar' };

describe('RecordAccountLookupAnswer', () => {
  let lookups: InMemoryPartnerAccountLookupRepository;
  let useCase: RecordAccountLookupAnswer;

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(async () => {
    lookups = new InMemoryPartnerAccountLookupRepository();
    await lookups.recordRequested(new FakeTransactionScope(), { lookupId: LOOKUP_ID, bankCode: 'XMPL', mobile: '+919800000042', requestedAt: new Date() });
    useCase = new RecordAccountLookupAnswer(lookups, new FixedClock());
  });

  it('records the accounts the bank lists, once', async () => {
    expect(await useCase.execute(new FakeTransactionScope(), { answer: { lookupId: LOOKUP_ID, bankCode: 'XMPL', accounts: [ACCOUNT] } })).toBe('recorded');
    expect(await useCase.execute(new FakeTransactionScope(), { answer: { lookupId: LOOKUP_ID, bankCode: 'XMPL', accounts: [] } })).toBe('duplicate');
    expect(lookups.rows.get(LOOKUP_ID)?.accounts).toEqual([ACCOUNT]);
  });

  it.each([
    ['a lookup kirim never sent', { lookupId: '44444444-3333-4333-8333-333333333333', bankCode: 'XMPL' }],
    ['a lookup sent to another bank', { lookupId: LOOKUP_ID, bankCode: 'OTHR' }],
  ])('refuses an answer to %s', async (_what, answer) => {
    await expect(useCase.execute(new FakeTransactionScope(), { answer: { ...answer, accounts: [ACCOUNT] } })).rejects.toThrow(MessageRefusedError);
    expect(lookups.rows.get(LOOKUP_ID)?.accounts).toBeNull();
  });
});
