import { validatePayload } from '../validation';
import { CollectRequestEvent } from './payments';

const request = {
  collectRequestId: '0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
  payerUserId: '7c1d2e3f-4a5b-4c6d-9e8f-0a1b2c3d4e5f',
  reference: 'COL-2026-0042',
  amount: { value: '250.00', currency: 'INR' },
  status: 'pending',
  expiresAt: '2026-11-30T10:45:00.000Z',
  occurredAt: '2026-11-30T10:15:00.000Z',
};
const MERCHANT = '6e5d4c3b-2a19-4807-b6a5-948372615041';
const PERSON = '0b9a3c1e-5f6d-4c2b-8a1e-1f2d3c4b5a60';

describe('CollectRequestEvent', () => {
  it("takes a merchant's request or a person's", () => {
    expect(validatePayload(CollectRequestEvent, { ...request, merchantId: MERCHANT }).ok).toBe(true);
    expect(validatePayload(CollectRequestEvent, { ...request, requesterUserId: PERSON }).ok).toBe(true);
  });

  it('refuses a request with both requesters, or with neither', () => {
    expect(validatePayload(CollectRequestEvent, { ...request, merchantId: MERCHANT, requesterUserId: PERSON })).toMatchObject({ ok: false });
    expect(validatePayload(CollectRequestEvent, request)).toMatchObject({ ok: false });
  });
});
