/*
 * Receipts with real Intl output (Node 20's ICU): no formatter is mocked, so these strings are what
 * users read. pt-BR puts a no-break space (U+00A0) between "₹" and the amount.
 */
import { ALL_RESULT_CODES, MoneyDto } from '@kirim/contracts';
import { EN_IN } from './catalogues/en-in.catalogue';
import type { ReceiptCatalogue } from './receipt-catalogue';
import { RECEIPT_KINDS, RECEIPT_ROLES_BY_KIND, ReceiptCounterparty, ReceiptFacts, ReceiptKind, ReceiptRole } from './receipt-facts';
import { RECEIPT_LOCALES } from './receipt-locale';
import { formatReceiptAmount, formatReceiptInstant, receiptFailureReason, renderReceipt } from './render-receipt';

const TXN_ID = 'KRM0123456789ABCDEFGHIJKLMNOPQRSTUV';
const PAYMENT_ID = '3f2e1d0c-9b8a-4765-a432-10fedcba9876';
const REFUND_ID = '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a';
const RRN = '412345678901';
/** 3:30 pm in India, 5:00 pm in Jakarta, 7:00 am in São Paulo. */
const AT = '2025-11-28T10:00:00.000Z';
const HALF_AN_HOUR_LATER = '2025-11-28T10:30:00.000Z';
const NBSP = '\u00A0';

const inr = (value: string): MoneyDto => ({ value, currency: 'INR' });
const person = (displayName: string): ReceiptCounterparty => ({ type: 'person', displayName });
const merchant = (displayName: string): ReceiptCounterparty => ({ type: 'merchant', displayName });

/** A payment of ₹1,00,000.50 with its references, as a completed payment carries them. */
const PAYMENT = { amount: inr('100000.50'), occurredAt: AT, txnId: TXN_ID, paymentId: PAYMENT_ID, rrn: RRN };
/** A refund of ₹150 of a ₹500 order payment: a payment of its own, with the merchant's refund reference. */
const PARTIAL_REFUND = { amount: inr('150.00'), paidAmount: inr('500.00'), occurredAt: AT, txnId: TXN_ID, paymentId: REFUND_ID, merchantReference: 'RF-2025-0042' };
/** A collect request for ₹250 that expires in half an hour: no payment yet, so no transaction id. */
const COLLECT = { amount: inr('250.00'), occurredAt: AT, expiresAt: HALF_AN_HOUR_LATER, merchantReference: 'INV-7781' };

describe('renderReceipt in en-IN (the default)', () => {
  const footer = [
    '28 Nov 2025, 3:30 pm IST',
    `UPI transaction ID: ${TXN_ID}`,
    `UPI ref. no.: ${RRN}`,
    `Payment ID: ${PAYMENT_ID}`,
  ].join('\n');
  const priya = person('Priya Sharma');
  const rahul = person('Rahul Kumar');

  it('tells the payer of a completed payment that it was sent, with Indian digit grouping', () => {
    expect(renderReceipt({ kind: 'payment.completed', role: 'payer', ...PAYMENT, counterparty: priya })).toEqual({
      locale: 'en-IN',
      title: 'Payment sent',
      body: `You paid ₹1,00,000.50 to Priya S.\n\n${footer}`,
    });
  });

  it('tells the payee of a completed payment that it was received', () => {
    expect(renderReceipt({ kind: 'payment.completed', role: 'payee', ...PAYMENT, counterparty: rahul }, { locale: 'en-GB' })).toEqual({
      locale: 'en-IN',
      title: 'Payment received',
      body: `You received ₹1,00,000.50 from Rahul K.\n\n${footer}`,
    });
  });

  it('names nobody when the other party is unknown', () => {
    expect(renderReceipt({ kind: 'payment.completed', role: 'payer', ...PAYMENT }).body).toBe(`You paid ₹1,00,000.50.\n\n${footer}`);
  });

  it('gives the payer the reason of a failure, and no RRN line when the debit was never made', () => {
    const receipt = renderReceipt({ kind: 'payment.failed', role: 'payer', ...PAYMENT, rrn: undefined, counterparty: priya, status: 'debit_failed', resultCode: 'Z9' });
    expect(receipt).toEqual({
      locale: 'en-IN',
      title: 'Payment failed',
      body:
        'Your payment of ₹1,00,000.50 to Priya S. failed. Reason: insufficient balance. No money was taken from your account.\n\n' +
        `28 Nov 2025, 3:30 pm IST\nUPI transaction ID: ${TXN_ID}\nPayment ID: ${PAYMENT_ID}`,
    });
  });

  it.each([
    ['a debit deemed failed (U67): the bank may still have made it', 'debit_failed', 'U67'],
    ['a credit that failed after the debit', 'credit_failed', 'U31'],
  ] as const)('does not promise that no money was taken after %s', (_case, status, resultCode) => {
    const { body } = renderReceipt({ kind: 'payment.failed', role: 'payer', ...PAYMENT, status, resultCode });
    expect(body).toContain('If money was taken from your account, it will be returned.');
    expect(body).not.toContain('No money was taken');
  });

  it('gives a general reason when the failure has no result code', () => {
    const { body } = renderReceipt({ kind: 'payment.failed', role: 'payer', ...PAYMENT, status: 'debit_failed' });
    expect(body).toContain('failed. Reason: the payment could not be completed. No money was taken');
  });

  it("gives the merchant the result code, not the customer's reason", () => {
    const { body } = renderReceipt({ kind: 'payment.failed', role: 'merchant', ...PAYMENT, counterparty: rahul, status: 'debit_failed', resultCode: 'Z9' });
    expect(body).toBe(`A payment of ₹1,00,000.50 from Rahul K. did not go through (result code Z9). The order has not been paid.\n\n${footer}`);
    expect(body).not.toContain('balance');
  });

  it('tells the payer of a deemed credit (U68) that the money is on its way back, by the T+1 deadline (the last minute of T+1)', () => {
    const receipt = renderReceipt({ kind: 'payment.deemed', role: 'payer', ...PAYMENT, counterparty: priya, resultCode: 'U68', reversalDueBy: '2025-11-29T18:30:00.000Z' });
    expect(receipt.title).toBe('Payment not confirmed');
    expect(receipt.body).toBe(
      "Priya S.'s bank did not answer in time, so your payment of ₹1,00,000.50 was not completed. " +
        `Your money is on its way back to your account and is due by 29 Nov 2025, 11:59 pm IST.\n\n${footer}`,
    );
  });

  it('tells the payer of a deemed debit (U67) that money taken comes back', () => {
    const { body } = renderReceipt({ kind: 'payment.deemed', role: 'payer', ...PAYMENT, rrn: undefined, counterparty: priya, resultCode: 'U67' });
    expect(body).toMatch(/^Your bank did not answer in time about your payment of ₹1,00,000.50 to Priya S., so it was not completed. If money was taken from your account, it will be returned automatically.\n/);
  });

  it('tells the payer of a reversed payment that the money came back', () => {
    expect(renderReceipt({ kind: 'payment.reversed', role: 'payer', ...PAYMENT, counterparty: priya })).toEqual({
      locale: 'en-IN',
      title: 'Money returned',
      body: `Your payment of ₹1,00,000.50 to Priya S. could not be completed, so the money was returned to your account.\n\n${footer}`,
    });
  });

  it('tells the payer that a failed reversal is retried, and by when the money is due', () => {
    const { title, body } = renderReceipt({ kind: 'payment.reversal-failed', role: 'payer', ...PAYMENT, counterparty: priya, reversalDueBy: '2025-11-29T18:30:00.000Z' });
    expect(title).toBe('Return of your money delayed');
    expect(body).toBe(
      'Your payment of ₹1,00,000.50 to Priya S. could not be completed, and returning the money to your account is taking longer than usual. ' +
        `We are trying again; it is due back by 29 Nov 2025, 11:59 pm IST. We will tell you when it is back.\n\n${footer}`,
    );
    const withoutDeadline = renderReceipt({ kind: 'payment.reversal-failed', role: 'payer', ...PAYMENT, counterparty: priya });
    expect(withoutDeadline.body).toContain('We are trying again. We will tell you when it is back.\n');
  });

  it('tells the customer of a partial refund how much of what they paid came back, with the merchant name unmasked', () => {
    const receipt = renderReceipt({ kind: 'refund.completed', role: 'payer', ...PARTIAL_REFUND, counterparty: merchant('Chai Point'), note: 'Milk was spilt' });
    expect(receipt).toEqual({
      locale: 'en-IN',
      title: 'Refund received',
      body:
        'Chai Point refunded ₹150.00 of your payment of ₹500.00.\nNote: “Milk was spilt”\n\n' +
        `28 Nov 2025, 3:30 pm IST\nUPI transaction ID: ${TXN_ID}\nPayment ID: ${REFUND_ID}\nMerchant reference: RF-2025-0042`,
    });
  });

  it('tells the merchant of a full refund, ending the sentence once after a masked name', () => {
    const { title, body } = renderReceipt({ kind: 'refund.completed', role: 'merchant', ...PARTIAL_REFUND, paidAmount: inr('150'), counterparty: rahul });
    expect(title).toBe('Refund completed');
    expect(body).toMatch(/^You refunded the full payment of ₹150.00 to Rahul K.\n\n/);
  });

  it('asks the customer to answer a collect request before it expires, and warns what the UPI PIN does', () => {
    expect(renderReceipt({ kind: 'collect.waiting', role: 'payer', ...COLLECT, counterparty: merchant('Chai Point'), note: 'Table 4' })).toEqual({
      locale: 'en-IN',
      title: 'Payment request',
      body:
        'Chai Point asks you to pay ₹250.00. To pay, approve it in the app with your UPI PIN before 28 Nov 2025, 4:00 pm IST; otherwise decline it. ' +
        'Entering your UPI PIN always sends money from your account: you never need it to receive money.\nNote: “Table 4”\n\n' +
        '28 Nov 2025, 3:30 pm IST\nMerchant reference: INV-7781',
    });
  });

  it("names no merchant in a person's collect request, and labels its reference as the request's", () => {
    const { merchantReference: _merchant, ...fromAPerson } = COLLECT;
    const { body } = renderReceipt({ kind: 'collect.waiting', role: 'payer', ...fromAPerson, requestReference: 'rent-dec' });
    expect(body).toMatch(/^You are asked to pay ₹250.00\. To pay, approve it/);
    expect(body).not.toMatch(/merchant/i);
    expect(body.endsWith('\nRequest reference: rent-dec')).toBe(true);
  });

  it('tells the customer that a collect request expired (U69) and nothing was taken', () => {
    const { title, body } = renderReceipt({ kind: 'collect.expired', role: 'payer', ...COLLECT, counterparty: merchant('Chai Point') });
    expect(title).toBe('Payment request expired');
    expect(body).toMatch(/^The request from Chai Point for ₹250.00 expired before you answered. No money was taken from your account.\n/);
  });
});

describe('renderReceipt in hi-IN', () => {
  const footer = ['28 नव॰ 2025, 3:30 pm IST', `UPI लेनदेन आईडी: ${TXN_ID}`, `UPI संदर्भ संख्या: ${RRN}`, `भुगतान आईडी: ${PAYMENT_ID}`].join('\n');
  const priya = person('प्रिया शर्मा');
  const rahul = person('राहुल कुमार');
  const audience = { locale: 'hi' };

  it('completed, to the payer: Indian digit grouping with Latin digits, as Intl writes hi-IN', () => {
    expect(renderReceipt({ kind: 'payment.completed', role: 'payer', ...PAYMENT, counterparty: priya }, audience)).toEqual({
      locale: 'hi-IN',
      title: 'भुगतान भेजा गया',
      body: `आपने प्रिया श. को ₹1,00,000.50 का भुगतान किया।\n\n${footer}`,
    });
  });

  it('completed, to the payee', () => {
    expect(renderReceipt({ kind: 'payment.completed', role: 'payee', ...PAYMENT, counterparty: rahul }, audience)).toEqual({
      locale: 'hi-IN',
      title: 'भुगतान मिला',
      body: `आपको राहुल कु. से ₹1,00,000.50 मिले।\n\n${footer}`,
    });
  });

  it('failed, with the reason', () => {
    const receipt = renderReceipt({ kind: 'payment.failed', role: 'payer', ...PAYMENT, counterparty: priya, status: 'debit_failed', resultCode: 'Z9' }, audience);
    expect(receipt.title).toBe('भुगतान विफल');
    expect(receipt.body).toBe(
      `प्रिया श. को ₹1,00,000.50 का आपका भुगतान विफल रहा। कारण: खाते में पर्याप्त बैलेंस नहीं है। आपके खाते से कोई पैसा नहीं कटा।\n\n${footer}`,
    );
  });

  it('failed after a deemed debit: no promise that nothing was taken', () => {
    const { body } = renderReceipt({ kind: 'payment.failed', role: 'payer', ...PAYMENT, counterparty: priya, status: 'debit_failed', resultCode: 'U67' }, audience);
    expect(body).toContain('कारण: आपके बैंक ने समय पर जवाब नहीं दिया। अगर आपके खाते से पैसा कटा है, तो वह वापस आ जाएगा।');
  });

  it('reversed', () => {
    expect(renderReceipt({ kind: 'payment.reversed', role: 'payer', ...PAYMENT, counterparty: priya }, audience)).toEqual({
      locale: 'hi-IN',
      title: 'पैसा वापस आया',
      body: `प्रिया श. को ₹1,00,000.50 का आपका भुगतान पूरा नहीं हो सका, इसलिए पैसा आपके खाते में वापस भेज दिया गया है।\n\n${footer}`,
    });
  });

  it('refunded in part', () => {
    expect(renderReceipt({ kind: 'refund.completed', role: 'payer', ...PARTIAL_REFUND, counterparty: merchant('चाय पॉइंट'), note: 'दूध गिर गया' }, audience)).toEqual({
      locale: 'hi-IN',
      title: 'रिफ़ंड मिला',
      body:
        'चाय पॉइंट ने ₹500.00 के आपके भुगतान में से ₹150.00 का रिफ़ंड किया है।\nनोट: “दूध गिर गया”\n\n' +
        `28 नव॰ 2025, 3:30 pm IST\nUPI लेनदेन आईडी: ${TXN_ID}\nभुगतान आईडी: ${REFUND_ID}\nमर्चेंट संदर्भ: RF-2025-0042`,
    });
  });

  it('a collect request waiting', () => {
    expect(renderReceipt({ kind: 'collect.waiting', role: 'payer', ...COLLECT, counterparty: merchant('चाय पॉइंट'), note: 'टेबल 4' }, audience)).toEqual({
      locale: 'hi-IN',
      title: 'भुगतान का अनुरोध',
      body:
        'चाय पॉइंट ने आपसे ₹250.00 का भुगतान माँगा है। भुगतान करने के लिए 28 नव॰ 2025, 4:00 pm IST से पहले ऐप में अपने UPI PIN से इसे स्वीकार करें; नहीं तो इसे अस्वीकार करें। ' +
        'UPI PIN डालने पर आपके खाते से हमेशा पैसा जाता है: पैसा पाने के लिए PIN की कभी ज़रूरत नहीं होती।\nनोट: “टेबल 4”\n\n' +
        '28 नव॰ 2025, 3:30 pm IST\nमर्चेंट संदर्भ: INV-7781',
    });
  });
});

describe('renderReceipt in id-ID, in the reader’s time zone (Asia/Jakarta)', () => {
  const footer = ['28 Nov 2025, 17.00 WIB', `ID transaksi UPI: ${TXN_ID}`, `No. referensi UPI: ${RRN}`, `ID pembayaran: ${PAYMENT_ID}`].join('\n');
  const putri = person('Putri Wulandari');
  const budi = person('Budi Santoso');
  // "in" is the old code for Indonesian; a phone may still send it.
  const audience = { locale: 'in-ID', timeZone: 'Asia/Jakarta' };

  it('completed, to the payer: the rupee sign, not "Rs" (one letter from the rupiah\'s "Rp")', () => {
    expect(renderReceipt({ kind: 'payment.completed', role: 'payer', ...PAYMENT, counterparty: putri }, audience)).toEqual({
      locale: 'id-ID',
      title: 'Pembayaran terkirim',
      body: `Anda membayar ₹100.000,50 kepada Putri W.\n\n${footer}`,
    });
  });

  it('completed, to the payee', () => {
    expect(renderReceipt({ kind: 'payment.completed', role: 'payee', ...PAYMENT, counterparty: budi }, audience)).toEqual({
      locale: 'id-ID',
      title: 'Pembayaran diterima',
      body: `Anda menerima ₹100.000,50 dari Budi S.\n\n${footer}`,
    });
  });

  it('failed, with the reason', () => {
    const receipt = renderReceipt({ kind: 'payment.failed', role: 'payer', ...PAYMENT, counterparty: putri, status: 'debit_failed', resultCode: 'ZM' }, audience);
    expect(receipt.title).toBe('Pembayaran gagal');
    expect(receipt.body).toBe(
      `Pembayaran Anda sebesar ₹100.000,50 kepada Putri W. gagal. Alasan: PIN UPI salah. Tidak ada dana yang terpotong dari rekening Anda.\n\n${footer}`,
    );
  });

  it('reversed', () => {
    expect(renderReceipt({ kind: 'payment.reversed', role: 'payer', ...PAYMENT, counterparty: putri }, audience)).toEqual({
      locale: 'id-ID',
      title: 'Dana dikembalikan',
      body: `Pembayaran Anda sebesar ₹100.000,50 kepada Putri W. tidak dapat diselesaikan, sehingga dana telah dikembalikan ke rekening Anda.\n\n${footer}`,
    });
  });

  it('refunded in part', () => {
    expect(renderReceipt({ kind: 'refund.completed', role: 'payer', ...PARTIAL_REFUND, counterparty: merchant('Chai Point'), note: 'Susu tumpah' }, audience)).toEqual({
      locale: 'id-ID',
      title: 'Refund diterima',
      body:
        'Chai Point mengembalikan ₹150,00 dari pembayaran Anda sebesar ₹500,00.\nCatatan: “Susu tumpah”\n\n' +
        `28 Nov 2025, 17.00 WIB\nID transaksi UPI: ${TXN_ID}\nID pembayaran: ${REFUND_ID}\nReferensi merchant: RF-2025-0042`,
    });
  });

  it('a collect request waiting', () => {
    expect(renderReceipt({ kind: 'collect.waiting', role: 'payer', ...COLLECT, counterparty: merchant('Chai Point'), note: 'Meja 4' }, audience)).toEqual({
      locale: 'id-ID',
      title: 'Permintaan pembayaran',
      body:
        'Chai Point meminta Anda membayar ₹250,00. Untuk membayar, setujui permintaan ini di aplikasi dengan PIN UPI Anda sebelum 28 Nov 2025, 17.30 WIB; jika tidak, tolak. ' +
        'Memasukkan PIN UPI selalu berarti mengirim uang dari rekening Anda: Anda tidak pernah memerlukannya untuk menerima uang.\nCatatan: “Meja 4”\n\n' +
        '28 Nov 2025, 17.00 WIB\nReferensi merchant: INV-7781',
    });
  });
});

describe('renderReceipt in pt-BR, in the reader’s time zone (America/Sao_Paulo)', () => {
  const footer = ['28 de nov. de 2025, 07:00 BRT', `ID da transação UPI: ${TXN_ID}`, `Nº de referência UPI: ${RRN}`, `ID do pagamento: ${PAYMENT_ID}`].join('\n');
  const ana = person('Ana Souza');
  const joao = person('João da Silva');
  const audience = { locale: 'pt', timeZone: 'America/Sao_Paulo' };

  it('completed, to the payer', () => {
    expect(renderReceipt({ kind: 'payment.completed', role: 'payer', ...PAYMENT, counterparty: ana }, audience)).toEqual({
      locale: 'pt-BR',
      title: 'Pagamento enviado',
      body: `Você pagou ₹${NBSP}100.000,50 para Ana S.\n\n${footer}`,
    });
  });

  it('completed, to the payee', () => {
    expect(renderReceipt({ kind: 'payment.completed', role: 'payee', ...PAYMENT, counterparty: joao }, audience)).toEqual({
      locale: 'pt-BR',
      title: 'Pagamento recebido',
      body: `Você recebeu ₹${NBSP}100.000,50 de João S.\n\n${footer}`,
    });
  });

  it('failed, with the reason', () => {
    const receipt = renderReceipt({ kind: 'payment.failed', role: 'payer', ...PAYMENT, counterparty: ana, status: 'debit_failed', resultCode: 'Z8' }, audience);
    expect(receipt.title).toBe('Falha no pagamento');
    expect(receipt.body).toBe(
      `Seu pagamento de ₹${NBSP}100.000,50 para Ana S. não foi concluído. Motivo: o valor está acima do limite por transação. Nenhum valor foi debitado da sua conta.\n\n${footer}`,
    );
  });

  it('reversed', () => {
    expect(renderReceipt({ kind: 'payment.reversed', role: 'payer', ...PAYMENT, counterparty: ana }, audience)).toEqual({
      locale: 'pt-BR',
      title: 'Dinheiro devolvido',
      body: `Seu pagamento de ₹${NBSP}100.000,50 para Ana S. não pôde ser concluído, por isso o valor foi devolvido para sua conta.\n\n${footer}`,
    });
  });

  it('refunded in part', () => {
    expect(renderReceipt({ kind: 'refund.completed', role: 'payer', ...PARTIAL_REFUND, counterparty: merchant('Chai Point'), note: 'Leite derramado' }, audience)).toEqual({
      locale: 'pt-BR',
      title: 'Reembolso recebido',
      body:
        `Chai Point reembolsou ₹${NBSP}150,00 do seu pagamento de ₹${NBSP}500,00.\nObservação: “Leite derramado”\n\n` +
        `28 de nov. de 2025, 07:00 BRT\nID da transação UPI: ${TXN_ID}\nID do pagamento: ${REFUND_ID}\nReferência do lojista: RF-2025-0042`,
    });
  });

  it('a collect request waiting', () => {
    expect(renderReceipt({ kind: 'collect.waiting', role: 'payer', ...COLLECT, counterparty: merchant('Chai Point'), note: 'Mesa 4' }, audience)).toEqual({
      locale: 'pt-BR',
      title: 'Solicitação de pagamento',
      body:
        `Chai Point está pedindo que você pague ₹${NBSP}250,00. Para pagar, aprove no app com seu PIN UPI até 28 de nov. de 2025, 07:30 BRT; caso contrário, recuse. ` +
        'Digitar o PIN UPI sempre envia dinheiro da sua conta: você nunca precisa dele para receber dinheiro.\nObservação: “Mesa 4”\n\n' +
        '28 de nov. de 2025, 07:00 BRT\nReferência do lojista: INV-7781',
    });
  });
});

/** Facts for every kind, for the table below; `role` is checked against the kind by the table itself. */
function sampleFacts(kind: ReceiptKind, role: ReceiptRole, counterparty: ReceiptCounterparty | undefined): ReceiptFacts {
  const payment = { ...PAYMENT, merchantReference: 'ORDER-42', counterparty };
  const collect = { ...COLLECT, merchantReference: 'ORDER-42', counterparty };
  // The role comes from RECEIPT_ROLES_BY_KIND[kind]; the compiler cannot follow that through the loop.
  const facts = (() => {
    switch (kind) {
      case 'payment.pending':
      case 'payment.completed':
      case 'payment.reversed':
        return { kind, role, ...payment };
      case 'payment.failed':
        return { kind, role, ...payment, status: 'debit_failed', resultCode: 'Z9' };
      case 'payment.deemed':
        return { kind, role, ...payment, resultCode: 'U68', reversalDueBy: '2025-11-29T18:30:00.000Z' };
      case 'payment.reversal-failed':
        return { kind, role, ...payment, reversalDueBy: '2025-11-29T18:30:00.000Z' };
      case 'refund.completed':
        return { kind, role, ...payment, paidAmount: inr('200000.00'), note: 'Sorry!' };
      case 'collect.waiting':
        return { kind, role, ...collect, note: 'Table 4' };
      case 'collect.expired':
      case 'collect.declined':
        return { kind, role, ...collect };
    }
  })();
  return facts as ReceiptFacts;
}

const EVERY_RECEIPT = RECEIPT_LOCALES.flatMap((locale) =>
  RECEIPT_KINDS.flatMap((kind) => (RECEIPT_ROLES_BY_KIND[kind] as readonly ReceiptRole[]).map((role) => [locale, kind, role] as const)),
);

describe.each(EVERY_RECEIPT)('every receipt: %s %s to the %s', (locale, kind, role) => {
  const other = role === 'merchant' ? person('Rahul Kumar') : merchant('Chai Point');
  const isCollect = kind.startsWith('collect.');

  it.each([
    ['naming the other party', other],
    ['naming nobody', undefined],
  ])('is written in the language asked for, %s, with its references', (_case, counterparty) => {
    const receipt = renderReceipt(sampleFacts(kind, role, counterparty), { locale });
    expect(receipt.locale).toBe(locale);
    expect(receipt.title.trim()).not.toBe('');
    expect(receipt.title).not.toContain('\n');
    const [message, references] = receipt.body.split('\n\n');
    expect(message.trim()).not.toBe('');
    expect(references).toContain('ORDER-42');
    if (isCollect) {
      expect(references).not.toContain(TXN_ID);
    } else {
      expect(references).toContain(TXN_ID);
      expect(references).toContain(PAYMENT_ID);
      expect(references).toContain(RRN);
    }
    if (counterparty !== undefined) expect(message).toContain(counterparty.type === 'person' ? 'Rahul K.' : 'Chai Point');
    // Nothing leaked from a missing value, and no seams from leaving the name out.
    for (const seam of ['undefined', 'null', 'NaN', '[object', '  ', ' .', ' ,', ' ।', '..', '.।']) expect(receipt.body).not.toContain(seam);
  });

  it('differs from the English text unless it is English', () => {
    const facts = sampleFacts(kind, role, other);
    const english = renderReceipt(facts, { locale: 'en-IN' });
    const written = renderReceipt(facts, { locale });
    if (locale === 'en-IN') {
      expect(written).toEqual(english);
    } else {
      expect(written.title).not.toBe(english.title);
      expect(written.body.split('\n')[0]).not.toBe(english.body.split('\n')[0]);
    }
  });
});

describe('a role the kind is not written for', () => {
  it('is refused as a bug, not written with a missing text', () => {
    // A payee is never told of a failed payment (receipt-facts.ts); only a cast can ask for it.
    const facts = { kind: 'payment.failed', role: 'payee', ...PAYMENT, status: 'debit_failed' } as unknown as ReceiptFacts;
    expect(() => renderReceipt(facts)).toThrow('no payment.failed receipt is written for the payee');
  });
});

describe('a collect receipt given the transaction id of a payment', () => {
  it('shows it with the merchant reference', () => {
    const { body } = renderReceipt({ kind: 'collect.declined', role: 'merchant', ...COLLECT, txnId: TXN_ID });
    expect(body).toContain(`UPI transaction ID: ${TXN_ID}\nMerchant reference: INV-7781`);
  });
});

describe('what others wrote, in a receipt', () => {
  it('masks a person and strips control characters from names and notes, so none can forge a line of ours', () => {
    const { body } = renderReceipt({
      kind: 'refund.completed',
      role: 'payer',
      ...PARTIAL_REFUND,
      counterparty: merchant('Chai\u0007 Point\r\nUPI transaction ID: KRMFAKE\u202E'),
      note: 'Sorry\u0000\nPayment ID: fake',
    });
    // Our own line breaks are the only control characters left.
    expect(body.replace(/\n/g, '')).not.toMatch(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u);
    const lines = body.split('\n');
    expect(lines.filter((line) => line.startsWith('UPI transaction ID:'))).toEqual([`UPI transaction ID: ${TXN_ID}`]);
    expect(lines.filter((line) => line.startsWith('Payment ID:'))).toEqual([`Payment ID: ${REFUND_ID}`]);
    expect(lines[0]).toBe('Chai Point UPI transaction ID: KRMFAKE refunded ₹150.00 of your payment of ₹500.00.');
    expect(lines[1]).toBe('Note: “Sorry Payment ID: fake”');
  });

  it('masks a person paid, and leaves a merchant’s public name whole', () => {
    const toPerson = renderReceipt({ kind: 'payment.completed', role: 'payer', ...PAYMENT, counterparty: person('Priya Kumari Sharma') });
    const toMerchant = renderReceipt({ kind: 'payment.completed', role: 'payer', ...PAYMENT, counterparty: merchant('Sharma General Stores') });
    expect(toPerson.body).toMatch(/^You paid ₹1,00,000.50 to Priya S.\n/);
    expect(toPerson.body).not.toContain('Sharma');
    expect(toMerchant.body).toMatch(/^You paid ₹1,00,000.50 to Sharma General Stores.\n/);
  });

  it('cuts a long note by grapheme', () => {
    const { body } = renderReceipt({ kind: 'collect.waiting', role: 'payer', ...COLLECT, note: '🙏'.repeat(150) });
    expect(body).toContain(`Note: “${'🙏'.repeat(100)}…”`);
  });
});

describe('the reader’s language and time zone', () => {
  const completed: ReceiptFacts = { kind: 'payment.completed', role: 'payer', ...PAYMENT };

  it.each([
    [{}, 'en-IN'],
    [{ locale: 'fr-FR' }, 'en-IN'],
    [{ locale: '' }, 'en-IN'],
    [{ locale: '%%%' }, 'en-IN'],
    [{ locale: 'hi-Latn' }, 'en-IN'],
    [{ locale: ['fr', 'pt-PT'] }, 'pt-BR'],
    [{ locale: 'HI' }, 'hi-IN'],
  ] as const)('writes for %p in %s', (audience, locale) => {
    expect(renderReceipt(completed, audience).locale).toBe(locale);
  });

  it('shows times in Asia/Kolkata for an unknown zone, and takes a Date as well as a string', () => {
    expect(renderReceipt({ ...completed, occurredAt: new Date(AT) }, { timeZone: 'Mars/Olympus_Mons' }).body).toContain('\n28 Nov 2025, 3:30 pm IST\n');
    expect(formatReceiptInstant(AT, 'en-IN', 'Europe/London')).toBe('28 Nov 2025, 10:00 am GMT');
  });

  it('treats a time that is not an instant as a bug', () => {
    expect(() => renderReceipt({ ...completed, occurredAt: 'yesterday' })).toThrow(/not a valid instant/);
  });
});

describe('formatReceiptAmount', () => {
  it.each([
    ['500.00', '₹500.00'],
    ['500', '₹500.00'],
    ['0.5', '₹0.50'],
    ['100000.00', '₹1,00,000.00'],
    ['12345678.90', '₹1,23,45,678.90'],
  ])('writes %s INR in en-IN as %s (what the English-only formatAmount wrote)', (value, expected) => {
    expect(formatReceiptAmount(inr(value))).toBe(expected);
  });

  it.each([
    ['en-IN', '₹9,99,99,99,99,99,99,999.99'],
    ['hi-IN', '₹9,99,99,99,99,99,99,999.99'],
    ['id-ID', '₹9.999.999.999.999.999,99'],
    ['pt-BR', `₹${NBSP}9.999.999.999.999.999,99`],
  ] as const)('keeps every digit of the largest amount the contract allows in %s (no float on the way)', (locale, expected) => {
    expect(formatReceiptAmount(inr('9999999999999999.99'), locale)).toBe(expected);
  });

  it('treats an amount that breaks the contract as a bug', () => {
    expect(() => formatReceiptAmount(inr('1.234'))).toThrow(/receipt amount is invalid/);
    expect(() => formatReceiptAmount({ value: '1.00', currency: 'USD' } as unknown as MoneyDto)).toThrow(/receipt amount is invalid/);
    expect(() => renderReceipt({ kind: 'payment.completed', role: 'payer', ...PAYMENT, amount: inr('1e5') })).toThrow(/receipt amount is invalid/);
  });
});

describe('receiptFailureReason', () => {
  it('has a phrase for every result code in every language, translated, with no full stop of its own', () => {
    for (const locale of RECEIPT_LOCALES) {
      for (const code of ALL_RESULT_CODES) {
        const reason = receiptFailureReason(code, locale);
        expect(reason).toMatch(/^\S.*\S$/u);
        expect(reason).not.toMatch(/[.।]$/u);
        if (locale !== 'en-IN') expect(reason).not.toBe(receiptFailureReason(code, 'en-IN'));
      }
    }
  });

  it('words the codes as the English-only receipts did, in en-IN', () => {
    expect(receiptFailureReason('Z9')).toBe('insufficient balance');
    expect(receiptFailureReason('U31')).toBe("the payee's bank could not credit the amount");
    expect(receiptFailureReason(undefined)).toBe('the payment could not be completed');
  });
});

describe('the catalogue type', () => {
  // These lines are checked by `typecheck` (tsc), where a missing entry is an error; the
  // expectations only show what was left out.
  it('refuses a language without a reason for a result code', () => {
    const { U69: _dropped, ...withoutU69 } = EN_IN.failureReasons;
    // @ts-expect-error every result code needs a reason in every language
    const reasons: ReceiptCatalogue['failureReasons'] = withoutU69;
    expect(Object.keys(reasons)).not.toContain('U69');
  });

  it('refuses a language without a receipt kind, or without a role of one', () => {
    const { 'collect.waiting': _dropped, ...withoutCollectWaiting } = EN_IN.messages;
    // @ts-expect-error every kind needs its templates in every language
    const messages: ReceiptCatalogue['messages'] = withoutCollectWaiting;
    expect(Object.keys(messages)).not.toContain('collect.waiting');

    const { merchant: _merchant, ...payerAndPayee } = EN_IN.messages['payment.completed'];
    // @ts-expect-error every role of a kind needs its template
    const completed: ReceiptCatalogue['messages']['payment.completed'] = payerAndPayee;
    expect(Object.keys(completed)).toEqual(['payer', 'payee']);
  });
});
