import { randomInt } from 'node:crypto';
import { maskAccountNumber } from '@kirim/contracts';

/** A 12-digit account number (first digit 1-9). Only the bank ever sees it in clear. */
export function generateAccountNumber(random: (min: number, max: number) => number = randomInt): string {
  const first = random(1, 10).toString();
  const rest = Array.from({ length: 11 }, () => random(0, 10).toString()).join('');
  return first + rest;
}

/** A 12-digit retrieval reference number, assigned when money moves. */
export function generateRrn(random: (min: number, max: number) => number = randomInt): string {
  return Array.from({ length: 12 }, () => random(0, 10).toString()).join('');
}

/** What leaves the bank: `XXXXXXXX1234`. */
export function maskedAccountNumber(accountNumber: string): string {
  return maskAccountNumber(accountNumber);
}
