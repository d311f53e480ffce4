import { PROBLEM_CODES, RESULT_CODES } from '@kirim/contracts';
import { PartyLookupResult, PayeeIdentifier } from '../../payment/party-directory';
import { PartyDirectory } from '../../payment/party-directory';
import { InMemoryMerchantRepository, sampleMerchant, SAMPLE_OWNER_ID } from '../../testing/merchant-fakes';
import { FixedClock, SequentialIds, TEST_PARTIES, UPI_PROFILE } from '../../testing/payment-fakes';
import { OnboardMerchantCommand, OnboardMerchantUseCase } from './onboard-merchant.use-case';

/** identity as onboarding asks it: one answer per address. */
class AddressDirectory extends PartyDirectory {
  readonly asked: string[] = [];
  constructor(private readonly answers: Record<string, PartyLookupResult>) {
    super();
  }

  async resolve(_payerUserId: string, payee: PayeeIdentifier): Promise<PartyLookupResult> {
    const address = payee.address ?? '';
    this.asked.push(address);
    const answer = this.answers[address];
    if (!answer) throw new Error(`unexpected lookup of ${address}`);
    return answer;
  }
}

const refused = (status: number, code: (typeof PROBLEM_CODES)[keyof typeof PROBLEM_CODES], extra: object = {}): PartyLookupResult => ({
  ok: false,
  failure: { kind: 'refused', status, code, detail: 'identity says no', ...extra },
});
const OWN_ADDRESS = refused(422, PROBLEM_CODES.SELF_PAYMENT);
const UNKNOWN_ADDRESS = refused(404, PROBLEM_CODES.PAYEE_NOT_FOUND, { resultCode: RESULT_CODES.INVALID_ADDRESS });

describe('OnboardMerchantUseCase', () => {
  const command: OnboardMerchantCommand = { ownerUserId: SAMPLE_OWNER_ID, displayName: 'Chai Point', categoryCode: '5812', handle: 'Chai.Point', settlementAddress: 'Owner@kirim' };

  function harness(answers: Record<string, PartyLookupResult> = { 'Owner@kirim': OWN_ADDRESS, 'chai.point@kirim': UNKNOWN_ADDRESS }) {
    const merchants = new InMemoryMerchantRepository();
    const parties = new AddressDirectory(answers);
    const useCase = new OnboardMerchantUseCase(merchants, parties, new FixedClock(), new SequentialIds(), UPI_PROFILE);
    return { merchants, parties, useCase };
  }

  it('onboards a user whose settlement address identity confirms is their own, with a handle free everywhere', async () => {
    const { useCase, merchants, parties } = harness();
    const outcome = await useCase.execute(command);
    expect(outcome).toMatchObject({ ok: true, merchant: { ownerUserId: SAMPLE_OWNER_ID, handle: 'chai.point', categoryCode: '5812', settlementAddress: 'owner@kirim', verified: false } });
    expect(merchants.merchants.size).toBe(1);
    expect(parties.asked).toEqual(['Owner@kirim', 'chai.point@kirim']);
  });

  it.each([
    ['a category the profile does not list', { categoryCode: '7995' }, PROBLEM_CODES.MERCHANT_CATEGORY_UNKNOWN],
    ['a malformed handle', { handle: 'chai..point' }, PROBLEM_CODES.PAYMENT_ADDRESS_INVALID],
    ['a reserved handle', { handle: 'kirim-refunds' }, PROBLEM_CODES.PAYMENT_ADDRESS_RESERVED],
  ])('refuses %s before asking identity anything', async (_case, change, code) => {
    const { useCase, parties } = harness();
    expect(await useCase.execute({ ...command, ...change })).toMatchObject({ ok: false, code });
    expect(parties.asked).toEqual([]);
  });

  it("refuses a settlement address that is someone else's or nobody's", async () => {
    const someoneElse = harness({ 'Owner@kirim': { ok: true, parties: TEST_PARTIES } });
    expect(await someoneElse.useCase.execute(command)).toMatchObject({ ok: false, status: 422, code: PROBLEM_CODES.SETTLEMENT_ADDRESS_NOT_OWNED });
    const nobody = harness({ 'Owner@kirim': UNKNOWN_ADDRESS });
    expect(await nobody.useCase.execute(command)).toMatchObject({ ok: false, code: PROBLEM_CODES.SETTLEMENT_ADDRESS_NOT_OWNED });
    expect(nobody.merchants.merchants.size).toBe(0);
  });

  it('refuses a handle identity already gives a user (with or without an account)', async () => {
    for (const held of [{ ok: true as const, parties: TEST_PARTIES }, refused(422, PROBLEM_CODES.PAYEE_NOT_FOUND), OWN_ADDRESS]) {
      const { useCase, merchants } = harness({ 'Owner@kirim': OWN_ADDRESS, 'chai.point@kirim': held });
      expect(await useCase.execute(command)).toMatchObject({ ok: false, status: 409, code: PROBLEM_CODES.PAYMENT_ADDRESS_TAKEN });
      expect(merchants.merchants.size).toBe(0);
    }
  });

  it('says identity is unavailable, or passes its 429 on, rather than judging the address', async () => {
    const down = harness({ 'Owner@kirim': { ok: false, failure: { kind: 'unavailable', reason: 'timeout' } } });
    expect(await down.useCase.execute(command)).toMatchObject({ ok: false, status: 503, code: PROBLEM_CODES.DEPENDENCY_UNAVAILABLE });
    const busy = harness({ 'Owner@kirim': OWN_ADDRESS, 'chai.point@kirim': refused(429, PROBLEM_CODES.RATE_LIMITED, { retryAfterSeconds: 7 }) });
    expect(await busy.useCase.execute(command)).toMatchObject({ ok: false, status: 429, code: PROBLEM_CODES.RATE_LIMITED, retryAfterSeconds: 7 });
  });

  it('keeps one merchant per user, and one per handle or look-alike of it', async () => {
    const { useCase, merchants } = harness({ 'Owner@kirim': OWN_ADDRESS, 'chai.point@kirim': UNKNOWN_ADDRESS, 'chai-p0int@kirim': UNKNOWN_ADDRESS });
    await merchants.insert(sampleMerchant());
    expect(await useCase.execute(command)).toMatchObject({ ok: false, code: PROBLEM_CODES.MERCHANT_ALREADY_ONBOARDED });
    const other = 'a1a1a1a1-a1a1-4a1a-8a1a-a1a1a1a1a1a1';
    expect(await useCase.execute({ ...command, ownerUserId: other })).toMatchObject({ ok: false, status: 409, code: PROBLEM_CODES.PAYMENT_ADDRESS_TAKEN });
    expect(await useCase.execute({ ...command, ownerUserId: other, handle: 'chai-p0int' })).toMatchObject({ ok: false, status: 409, code: PROBLEM_CODES.PAYMENT_ADDRESS_CONFUSABLE });
  });
});
