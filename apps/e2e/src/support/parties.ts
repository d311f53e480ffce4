import { randomUUID } from 'node:crypto';
import { uniquePhone } from '@kirim/testing';
import { Api, BankCode, NotificationView, Party, Session } from './api';

/** A fresh user with a sandbox account at `bankCode` holding `openingBalance`, registered and linked. */
export async function freshParty(api: Api, label: string, bankCode: BankCode, openingBalance: string): Promise<Party> {
  return api.registerWithAccount({ phone: uniquePhone(), displayName: `e2e ${label} ${randomUUID().slice(0, 8)}`, bankCode, openingBalance });
}

/** The caller's notifications about one payment. */
export async function notificationsFor(api: Api, session: Session, paymentId: string): Promise<NotificationView[]> {
  return (await api.notifications(session)).filter((notification) => notification.paymentId === paymentId);
}

export const PROBLEM_CONTENT_TYPE = /^application\/problem\+json/;
