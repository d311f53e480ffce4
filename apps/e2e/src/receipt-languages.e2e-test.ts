import { PROBLEM_CODES } from '@kirim/contracts';
import { eventually } from '@kirim/testing';
import { Api, NotificationView, Party } from './support/api';
import { freshParty, notificationsFor, PROBLEM_CONTENT_TYPE } from './support/parties';

/**
 * Receipts in each user's own language and time zone, through the edge: each party sets theirs at
 * identity (PATCH /v1/me), identity announces them on identity.events.v1, notifications keeps them,
 * and the receipts of the next payment are written in them (docs/notifications.md). The words
 * checked are the completed-payment titles of the hi-IN and pt-BR catalogues
 * (apps/notifications/src/receipt-text/catalogues/).
 */
describe('receipts in each user’s language (e2e, running stack)', () => {
  const api = new Api();
  let payer: Party;
  let payee: Party;

  beforeAll(async () => {
    payer = await freshParty(api, 'hindi payer', 'SBXA', '1000.00');
    payee = await freshParty(api, 'portuguese payee', 'SBXB', '0.00');
  });

  it('refuses a tag or a zone Intl does not know, and changes nothing', async () => {
    for (const body of [{ locale: 'hi_IN' }, { timeZone: 'Asia/Atlantis' }]) {
      const refused = await api.updateMe(payer, body);
      expect({ body, status: refused.status, contentType: refused.contentType }).toEqual({ body, status: 400, contentType: expect.stringMatching(PROBLEM_CONTENT_TYPE) });
      expect(refused.body).toMatchObject({ code: PROBLEM_CODES.VALIDATION_FAILED });
    }
    expect((await api.me(payer)).body).toMatchObject({ locale: null, timeZone: null });
  });

  it('writes the Hindi payer and the Portuguese payee one receipt each in their own language', async () => {
    const hindi = await api.updateMe(payer, { locale: 'hi-in', timeZone: 'Asia/Kolkata' });
    const portuguese = await api.updateMe(payee, { locale: 'pt-BR', timeZone: 'America/Sao_Paulo' });
    expect([hindi.status, portuguese.status]).toEqual([200, 200]);
    // Stored in canonical form, shown by GET /v1/me.
    expect((await api.me(payer)).body).toMatchObject({ userId: payer.userId, locale: 'hi-IN', timeZone: 'Asia/Kolkata' });
    expect((await api.me(payee)).body).toMatchObject({ userId: payee.userId, locale: 'pt-BR', timeZone: 'America/Sao_Paulo' });

    // The preferences travel on identity.events.v1 and the payment's outcome on payments.events.v1,
    // read independently: notifications may write a receipt before it has read a change made just
    // before. So pay until a payment's receipts come in both languages (the first, nearly always).
    let receipts: { sent: NotificationView; received: NotificationView } | undefined;
    for (let attempt = 1; attempt <= 5 && receipts === undefined; attempt += 1) {
      const accepted = await api.payAccepted(payer, { payeePhone: payee.phone, amount: '10.00', note: `e2e languages ${attempt}` });
      expect((await api.waitUntilFinal(payer, accepted.paymentId)).status).toBe('completed');
      let sent: NotificationView | undefined;
      let received: NotificationView | undefined;
      await eventually(async () => {
        [sent] = await notificationsFor(api, payer, accepted.paymentId);
        [received] = await notificationsFor(api, payee, accepted.paymentId);
        expect([sent?.kind, received?.kind]).toEqual(['payment.sent', 'payment.received']);
      });
      if (sent !== undefined && received !== undefined && sent.title !== 'Payment sent' && received.title !== 'Payment received') receipts = { sent, received };
    }

    if (receipts === undefined) throw new Error('no payment of five got its receipts in the parties’ languages');
    expect(receipts.sent.title).toBe('भुगतान भेजा गया');
    expect(receipts.sent.body).toContain('आपने ₹10.00');
    expect(receipts.sent.body).toContain('IST');
    expect(receipts.received.title).toBe('Pagamento recebido');
    expect(receipts.received.body).toContain('Você recebeu ₹\u00a010,00');
    // São Paulo's time, as a Brazilian reads it (BRT), not India's.
    expect(receipts.received.body).toMatch(/\d\d:\d\d BRT/);
  });
});
