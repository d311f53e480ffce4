import { EVENT_TYPES, MerchantOnboarded, PROBLEM_CODES, RESULT_CODES, validatePayload } from '@kirim/contracts';
import { PartyLookupResult, PayeeIdentifier } from '../../payment/party-directory';
import { PartyDirectory } from '../../payment/party-directory';
import { InMemoryMerchantAddressRegistry } from '../../testing/in-memory-merchant-addresses';
import { InMemoryMerchantRepository, sampleMerchant, SAMPLE_OWNER_ID } from '../../testing/merchant-fakes';
import { FakeUnitOfWork, FixedClock, TEST_PARTIES, UPI_PROFILE } from '../../testing/payment-fakes';
import { Merchant } from '../merchant';
import { merchantIdFor } from '../merchant-id';
import { MerchantInsertOutcome } from '../merchant.repository';
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

/** payments' merchants table failing the next insert (the process dying, the database gone) after identity reserved. */
class CrashingOnceMerchantRepository extends InMemoryMerchantRepository {
  crashNext = true;

  override async insert(merchant: Merchant): Promise<MerchantInsertOutcome> {
    if (this.crashNext) {
      this.crashNext = false;
      throw new Error('connection terminated');
    }
    return super.insert(merchant);
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
  const expectedId = merchantIdFor(SAMPLE_OWNER_ID, 'chai.point');

  function harness(answers: Record<string, PartyLookupResult> = { 'Owner@kirim': OWN_ADDRESS }, options: { merchants?: InMemoryMerchantRepository; usersHandles?: string[] } = {}) {
    const merchants = options.merchants ?? new InMemoryMerchantRepository();
    const parties = new AddressDirectory(answers);
    const addresses = new InMemoryMerchantAddressRegistry(options.usersHandles);
    const unitOfWork = new FakeUnitOfWork();
    const useCase = new OnboardMerchantUseCase(unitOfWork, merchants, parties, addresses, new FixedClock(), UPI_PROFILE);
    return { merchants, parties, addresses, unitOfWork, useCase };
  }

  it('onboards a user whose settlement address identity confirms is their own, after identity reserved the handle for the merchant', async () => {
    const { useCase, merchants, parties, addresses } = harness();
    const outcome = await useCase.execute(command);

    expect(outcome).toMatchObject({
      ok: true,
      merchant: { id: expectedId, ownerUserId: SAMPLE_OWNER_ID, handle: 'chai.point', categoryCode: '5812', settlementAddress: 'owner@kirim', verified: false },
    });
    expect(merchants.merchants.get(expectedId)).toBeDefined();
    // The settlement address only: the handle is not looked up as a payee any more, identity reserves it.
    expect(parties.asked).toEqual(['Owner@kirim']);
    expect(addresses.calls).toEqual([{ merchantId: expectedId, ownerUserId: SAMPLE_OWNER_ID, handle: 'chai.point' }]);
  });

  it('announces the new merchant once, in the transaction that stores it: its id, owner, display name and when', async () => {
    const { useCase, unitOfWork } = harness();
    expect(await useCase.execute(command)).toMatchObject({ ok: true });

    expect(unitOfWork.transactions).toBe(1);
    expect(unitOfWork.published).toEqual([
      {
        type: EVENT_TYPES.MERCHANT_ONBOARDED,
        key: expectedId,
        data: expect.objectContaining({ merchantId: expectedId, ownerUserId: SAMPLE_OWNER_ID, displayName: 'Chai Point', onboardedAt: new FixedClock().now().toISOString() }),
      },
    ]);
    expect(validatePayload(MerchantOnboarded, JSON.parse(JSON.stringify(unitOfWork.published[0].data)))).toMatchObject({ ok: true });
  });

  it('does not announce the merchant again when the same onboarding is repeated (refused: the owner has it)', async () => {
    const { useCase, unitOfWork } = harness();
    expect(await useCase.execute(command)).toMatchObject({ ok: true });
    expect(await useCase.execute(command)).toMatchObject({ ok: false, status: 409, code: PROBLEM_CODES.MERCHANT_ALREADY_ONBOARDED });
    expect(unitOfWork.published.map((event) => event.type)).toEqual([EVENT_TYPES.MERCHANT_ONBOARDED]);
  });

  it('does not announce the loser of two identical onboardings at once: its insert finds the merchant stored', async () => {
    // Both passed the owner check before either was stored; the second insert hits the merchant's id.
    const merchants = new InMemoryMerchantRepository();
    merchants.findByOwner = async () => null;
    const { useCase, unitOfWork } = harness(undefined, { merchants });
    expect(await useCase.execute(command)).toMatchObject({ ok: true });
    expect(await useCase.execute(command)).toMatchObject({ ok: false, code: PROBLEM_CODES.MERCHANT_ALREADY_ONBOARDED });
    expect(unitOfWork.published).toHaveLength(1);
  });

  it.each([
    ['a category the profile does not list', { categoryCode: '7995' }, PROBLEM_CODES.MERCHANT_CATEGORY_UNKNOWN],
    ['a malformed handle', { handle: 'chai..point' }, PROBLEM_CODES.PAYMENT_ADDRESS_INVALID],
    ['a reserved handle', { handle: 'kirim-refunds' }, PROBLEM_CODES.PAYMENT_ADDRESS_RESERVED],
  ])('refuses %s before asking identity anything', async (_case, change, code) => {
    const { useCase, parties, addresses, unitOfWork } = harness();
    expect(await useCase.execute({ ...command, ...change })).toMatchObject({ ok: false, code });
    expect(parties.asked).toEqual([]);
    expect(addresses.calls).toEqual([]);
    expect(unitOfWork.published).toEqual([]);
  });

  it("refuses a settlement address that is someone else's, nobody's or a merchant's, reserving nothing", async () => {
    const someoneElse = harness({ 'Owner@kirim': { ok: true, parties: TEST_PARTIES } });
    expect(await someoneElse.useCase.execute(command)).toMatchObject({ ok: false, status: 422, code: PROBLEM_CODES.SETTLEMENT_ADDRESS_NOT_OWNED });
    const nobody = harness({ 'Owner@kirim': UNKNOWN_ADDRESS });
    expect(await nobody.useCase.execute(command)).toMatchObject({ ok: false, code: PROBLEM_CODES.SETTLEMENT_ADDRESS_NOT_OWNED });
    const aMerchants = harness({ 'Owner@kirim': refused(422, PROBLEM_CODES.PAYEE_IS_MERCHANT) });
    expect(await aMerchants.useCase.execute(command)).toMatchObject({ ok: false, code: PROBLEM_CODES.SETTLEMENT_ADDRESS_NOT_OWNED });
    for (const { merchants, addresses, unitOfWork } of [someoneElse, nobody, aMerchants]) expect([merchants.merchants.size, addresses.calls.length, unitOfWork.published.length]).toEqual([0, 0, 0]);
  });

  it("maps identity's refusals of the reservation to the merchant feature's handle problems, storing no merchant", async () => {
    const taken = harness(undefined, { usersHandles: ['chai.point'] });
    expect(await taken.useCase.execute(command)).toMatchObject({ ok: false, status: 409, code: PROBLEM_CODES.PAYMENT_ADDRESS_TAKEN, detail: 'chai.point@kirim is taken.' });
    const confusable = harness(undefined, { usersHandles: ['cha1-point'] });
    expect(await confusable.useCase.execute(command)).toMatchObject({ ok: false, status: 409, code: PROBLEM_CODES.PAYMENT_ADDRESS_CONFUSABLE });
    for (const [refusal, status, code] of [
      ['reserved', 422, PROBLEM_CODES.PAYMENT_ADDRESS_RESERVED],
      ['invalid', 422, PROBLEM_CODES.PAYMENT_ADDRESS_INVALID],
    ] as const) {
      const disagreeing = harness();
      disagreeing.addresses.nextAnswer = { ok: false, refusal, detail: "identity's own reason" };
      expect(await disagreeing.useCase.execute(command)).toMatchObject({ ok: false, status, code, detail: "identity's own reason" });
      expect(disagreeing.merchants.merchants.size).toBe(0);
    }
    expect([taken.merchants.merchants.size, confusable.merchants.merchants.size]).toEqual([0, 0]);
    expect([taken.unitOfWork.published, confusable.unitOfWork.published]).toEqual([[], []]);
  });

  it('answers 503 dependency-unavailable when identity cannot reserve, and stores no merchant', async () => {
    const { useCase, merchants, addresses } = harness();
    addresses.nextAnswer = { ok: false, refusal: 'unavailable', reason: 'identity unreachable (TimeoutError)' };

    expect(await useCase.execute(command)).toMatchObject({ ok: false, status: 503, code: PROBLEM_CODES.DEPENDENCY_UNAVAILABLE });
    expect(merchants.merchants.size).toBe(0);
    // The same request later goes through.
    expect(await useCase.execute(command)).toMatchObject({ ok: true, merchant: { id: expectedId } });
  });

  it('succeeds on a retry of the same request after the merchant insert failed: the reservation is found to be this merchant’s', async () => {
    const merchants = new CrashingOnceMerchantRepository();
    const { useCase, addresses, unitOfWork } = harness(undefined, { merchants });

    await expect(useCase.execute(command)).rejects.toThrow('connection terminated');
    expect(addresses.claims).toEqual([{ merchantId: expectedId, ownerUserId: SAMPLE_OWNER_ID, handle: 'chai.point' }]);
    expect(merchants.merchants.size).toBe(0);

    const retried = await useCase.execute(command);
    expect(retried).toMatchObject({ ok: true, merchant: { id: expectedId, handle: 'chai.point' } });
    // The same claim twice, one reservation.
    expect(addresses.calls).toEqual([addresses.claims[0], addresses.claims[0]]);
    expect(addresses.claims).toHaveLength(1);
    // The failed attempt's transaction published nothing: the merchant is announced once, by the retry.
    expect(unitOfWork.published.map((event) => [event.type, event.key])).toEqual([[EVENT_TYPES.MERCHANT_ONBOARDED, expectedId]]);
  });

  it('says identity is unavailable, or passes its 429 on, rather than judging the settlement address', async () => {
    const down = harness({ 'Owner@kirim': { ok: false, failure: { kind: 'unavailable', reason: 'timeout' } } });
    expect(await down.useCase.execute(command)).toMatchObject({ ok: false, status: 503, code: PROBLEM_CODES.DEPENDENCY_UNAVAILABLE });
    const busy = harness({ 'Owner@kirim': refused(429, PROBLEM_CODES.RATE_LIMITED, { retryAfterSeconds: 7 }) });
    expect(await busy.useCase.execute(command)).toMatchObject({ ok: false, status: 429, code: PROBLEM_CODES.RATE_LIMITED, retryAfterSeconds: 7 });
    expect([down.addresses.calls.length, busy.addresses.calls.length]).toEqual([0, 0]);
  });

  it('keeps one merchant per user (refused before identity is asked), and its own guard on handles and look-alikes', async () => {
    const { useCase, merchants, addresses, unitOfWork } = harness();
    // A merchant onboarded before identity held merchants' addresses: identity does not know its handle.
    await merchants.insert(sampleMerchant());
    expect(await useCase.execute(command)).toMatchObject({ ok: false, code: PROBLEM_CODES.MERCHANT_ALREADY_ONBOARDED });
    expect(addresses.calls).toEqual([]);
    const other = 'a1a1a1a1-a1a1-4a1a-8a1a-a1a1a1a1a1a1';
    expect(await useCase.execute({ ...command, ownerUserId: other })).toMatchObject({ ok: false, status: 409, code: PROBLEM_CODES.PAYMENT_ADDRESS_TAKEN });

    const lookAlike = harness();
    await lookAlike.merchants.insert(sampleMerchant());
    expect(await lookAlike.useCase.execute({ ...command, ownerUserId: other, handle: 'chai-p0int' })).toMatchObject({ ok: false, status: 409, code: PROBLEM_CODES.PAYMENT_ADDRESS_CONFUSABLE });
    // identity reserved it (it did not know the older merchant); payments' own index refused it.
    expect(lookAlike.addresses.claims.map((claim) => claim.handle)).toEqual(['chai-p0int']);
    expect(lookAlike.merchants.merchants.size).toBe(1);
    // A merchant refused by payments' own constraints is not announced.
    expect([unitOfWork.published, lookAlike.unitOfWork.published]).toEqual([[], []]);
  });
});
