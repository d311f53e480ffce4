import { endSentence, ReceiptCatalogue } from '../receipt-catalogue';

const to = (name: string | undefined): string => (name === undefined ? '' : ` to ${name}`);
const from = (name: string | undefined): string => (name === undefined ? '' : ` from ${name}`);

/** Indian English: the default, and what every other catalogue is translated from. */
export const EN_IN: ReceiptCatalogue = {
  messages: {
    'payment.pending': {
      payer: ({ amount, counterparty }) => ({
        title: 'Payment pending',
        body: `Your payment of ${amount}${to(counterparty)} is being processed. We will tell you as soon as your bank confirms it; do not pay again in the meantime.`,
      }),
      merchant: ({ amount, counterparty }) => ({
        title: 'Payment pending',
        body: `A payment of ${amount}${from(counterparty)} is being processed. Wait for its confirmation before you hand over the order.`,
      }),
    },
    'payment.completed': {
      payer: ({ amount, counterparty }) => ({ title: 'Payment sent', body: endSentence(`You paid ${amount}${to(counterparty)}`) }),
      payee: ({ amount, counterparty }) => ({ title: 'Payment received', body: endSentence(`You received ${amount}${from(counterparty)}`) }),
      merchant: ({ amount, counterparty }) => ({ title: 'Payment received', body: `${counterparty ?? 'A customer'} paid ${amount}.` }),
    },
    'payment.failed': {
      payer: ({ amount, counterparty, reason, moneyTaken }) => ({
        title: 'Payment failed',
        body:
          `Your payment of ${amount}${to(counterparty)} failed. Reason: ${reason}. ` +
          (moneyTaken === 'no' ? 'No money was taken from your account.' : 'If money was taken from your account, it will be returned.'),
      }),
      // The merchant gets the code, not the reason in words: a customer's balance, PIN tries or frozen
      // account are the customer's business, and a merchant's systems act on the code.
      merchant: ({ amount, counterparty, resultCode }) => ({
        title: 'Payment failed',
        body: `A payment of ${amount}${from(counterparty)} did not go through${resultCode === undefined ? '' : ` (result code ${resultCode})`}. The order has not been paid.`,
      }),
    },
    'payment.deemed': {
      payer: ({ amount, counterparty, unansweredLeg, reversalDueBy }) => ({
        title: 'Payment not confirmed',
        body:
          unansweredLeg === 'debit'
            ? `Your bank did not answer in time about your payment of ${amount}${to(counterparty)}, so it was not completed. If money was taken from your account, it will be returned automatically.`
            : `${counterparty === undefined ? "The payee's bank" : `${counterparty}'s bank`} did not answer in time, so your payment of ${amount} was not completed. ` +
              `Your money is on its way back to your account${reversalDueBy === undefined ? '' : ` and is due by ${reversalDueBy}`}.`,
      }),
      merchant: ({ amount, counterparty, unansweredLeg }) => ({
        title: 'Payment not confirmed',
        body:
          unansweredLeg === 'debit'
            ? `${counterparty === undefined ? "The customer's bank" : `${counterparty}'s bank`} did not confirm a payment of ${amount} in time, so it was not completed. Do not hand over the order against this payment.`
            : `Your bank did not confirm in time that it credited a payment of ${amount}${from(counterparty)}, so the payment was not completed and the customer's money is being returned.`,
      }),
    },
    'payment.reversed': {
      payer: ({ amount, counterparty }) => ({
        title: 'Money returned',
        body: `Your payment of ${amount}${to(counterparty)} could not be completed, so the money was returned to your account.`,
      }),
      merchant: ({ amount, counterparty }) => ({
        title: 'Payment returned to the customer',
        body: `A payment of ${amount}${from(counterparty)} could not be completed, and the money was returned to the customer. The order has not been paid.`,
      }),
    },
    'payment.reversal-failed': {
      payer: ({ amount, counterparty, reversalDueBy }) => ({
        title: 'Return of your money delayed',
        body:
          `Your payment of ${amount}${to(counterparty)} could not be completed, and returning the money to your account is taking longer than usual. ` +
          `We are trying again${reversalDueBy === undefined ? '' : `; it is due back by ${reversalDueBy}`}. We will tell you when it is back.`,
      }),
    },
    'refund.completed': {
      payer: ({ amount, counterparty, paidAmount, coverage }) => ({
        title: 'Refund received',
        body:
          coverage === 'full'
            ? `${counterparty ?? 'The merchant'} refunded your payment of ${amount} in full.`
            : `${counterparty ?? 'The merchant'} refunded ${amount} of your payment of ${paidAmount}.`,
      }),
      merchant: ({ amount, counterparty, paidAmount, coverage }) => ({
        title: 'Refund completed',
        body:
          coverage === 'full'
            ? endSentence(`You refunded the full payment of ${amount}${to(counterparty)}`)
            : endSentence(`You refunded ${amount} of a payment of ${paidAmount}${to(counterparty)}`),
      }),
    },
    'collect.waiting': {
      payer: ({ amount, counterparty, expiresAt }) => ({
        title: 'Payment request',
        body:
          `${counterparty !== undefined ? `${counterparty} asks you to pay ${amount}.` : `You are asked to pay ${amount}.`} To pay, approve it in the app with your UPI PIN before ${expiresAt}; otherwise decline it. ` +
          'Entering your UPI PIN always sends money from your account: you never need it to receive money.',
      }),
    },
    'collect.expired': {
      payer: ({ amount, counterparty }) => ({
        title: 'Payment request expired',
        body: `The request${from(counterparty)} for ${amount} expired before you answered. No money was taken from your account.`,
      }),
      merchant: ({ amount, counterparty }) => ({
        title: 'Payment request expired',
        body: `Your request for ${amount}${to(counterparty)} expired without an answer. Send a new request if the customer still wants to pay.`,
      }),
    },
    'collect.declined': {
      payer: ({ amount, counterparty }) => ({
        title: 'Payment request declined',
        body: `You declined the request${from(counterparty)} for ${amount}. No money was taken from your account.`,
      }),
      merchant: ({ amount, counterparty }) => ({
        title: 'Payment request declined',
        body: `${counterparty ?? 'The customer'} declined your request for ${amount}.`,
      }),
    },
  },
  // The same phrases as the English-only receipts had (payment-receipts/record-payment-receipts/receipt-text.ts).
  failureReasons: {
    '00': 'the bank did not confirm the payment',
    '01': 'the bank did not confirm the payment in time',
    Z9: 'insufficient balance',
    ZM: 'incorrect UPI PIN',
    Z6: 'too many incorrect UPI PIN attempts',
    Z8: 'the amount is above the per-transaction limit',
    Z7: 'the limit on the number of payments was reached',
    FL: 'the amount is above the limit for a newly registered device',
    FP: 'the total is above the limit for the first 24 hours on a new device',
    U11: 'no UPI PIN is set for your account; set one first',
    U12: 'the UPI PIN was given for a different amount',
    U14: 'the UPI PIN could not be verified; try again',
    U30: 'your bank could not debit your account',
    U31: "the payee's bank could not credit the amount",
    U67: 'your bank did not respond in time',
    U68: "the payee's bank did not respond in time",
    U69: 'the payment request expired before it was approved',
    RB: 'your bank did not confirm the return of your money in time; it is being retried',
    ZH: 'the payment address is not valid',
    XH: 'your bank account could not be found',
    XI: "the payee's bank account could not be found",
    YE: 'your bank account is frozen',
    YF: "the payee's bank account is frozen",
    XY: 'your bank is unavailable right now',
    Y1: "the payee's bank is unavailable right now",
  },
  unknownFailureReason: 'the payment could not be completed',
  labels: {
    note: 'Note',
    transactionId: 'UPI transaction ID',
    upiReference: 'UPI ref. no.',
    paymentId: 'Payment ID',
    merchantReference: 'Merchant reference',
    requestReference: 'Request reference',
  },
};
