import type { EntityManager } from 'typeorm';
import type { InTransaction } from '@kirim/messaging';
import { InMemoryMerchantDirectory, MERCHANT, OWNER, STRANGER } from '../../testing/in-memory-merchant-webhooks';
import { RecordMerchantOnboarded } from './record-merchant-onboarded.use-case';

const tx: InTransaction = { manager: {} as EntityManager };

describe('RecordMerchantOnboarded', () => {
  it('keeps the merchant with its owner, name and onboarding time', async () => {
    const directory = new InMemoryMerchantDirectory();

    await new RecordMerchantOnboarded(directory).execute(tx, { merchantId: MERCHANT, ownerUserId: OWNER, displayName: 'Chai Point', onboardedAt: '2026-11-01T09:00:00.000Z' });

    expect(await directory.findById(MERCHANT)).toEqual({ merchantId: MERCHANT, ownerUserId: OWNER, displayName: 'Chai Point', onboardedAt: new Date('2026-11-01T09:00:00.000Z') });
  });

  it('keeps the first announcement when one arrives again', async () => {
    const directory = new InMemoryMerchantDirectory();
    const record = new RecordMerchantOnboarded(directory);

    await record.execute(tx, { merchantId: MERCHANT, ownerUserId: OWNER, displayName: 'Chai Point', onboardedAt: '2026-11-01T09:00:00.000Z' });
    await record.execute(tx, { merchantId: MERCHANT, ownerUserId: STRANGER, displayName: 'Someone Else', onboardedAt: '2026-11-02T09:00:00.000Z' });

    expect(await directory.findById(MERCHANT)).toMatchObject({ ownerUserId: OWNER, displayName: 'Chai Point' });
  });
});
