import { readFile } from 'node:fs/promises';
import type { JSONWebKeySetLike } from '@kirim/contracts';

/**
 * Where a JWKS comes from: given as an object, read from a file, or fetched from an https URL
 * (plain http is refused: whoever could swap the keys in transit could sign as kirim).
 */
export type JwksLocation = { readonly jwks: JSONWebKeySetLike } | { readonly file: string } | { readonly url: string };

/** The I/O a JWKS load needs, injectable so tests need none. */
export interface JwksFetchers {
  readonly readFile: (path: string) => Promise<string>;
  readonly fetchText: (url: string, timeoutMs: number) => Promise<string>;
}

async function fetchTextOverHttps(url: string, timeoutMs: number): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' }, redirect: 'error' });
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  return response.text();
}

export const DEFAULT_JWKS_FETCHERS: JwksFetchers = {
  readFile: (path) => readFile(path, 'utf8'),
  fetchText: fetchTextOverHttps,
};

/** A location from a command-line or environment value: an https URL, or else a file path. */
export function jwksLocationOf(value: string): JwksLocation {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    if (!value.startsWith('https://')) throw new Error(`a JWKS URL must be https://, not ${JSON.stringify(value.split('://')[0])}`);
    return { url: value };
  }
  if (!value.trim()) throw new Error('a JWKS location is empty');
  return { file: value };
}

export function describeJwksLocation(location: JwksLocation): string {
  if ('jwks' in location) return 'the JWKS given';
  if ('file' in location) return `JWKS file ${location.file}`;
  return `JWKS URL ${location.url}`;
}

/** Reads the JWKS at `location`. Throws with a message naming the location (never key material). */
export async function loadJwks(location: JwksLocation, fetchers: JwksFetchers = DEFAULT_JWKS_FETCHERS, timeoutMs = 5000): Promise<JSONWebKeySetLike> {
  let text: string;
  if ('jwks' in location) return checkShape(location.jwks, location);
  try {
    if ('file' in location) text = await fetchers.readFile(location.file);
    else {
      if (!location.url.startsWith('https://')) throw new Error('only https:// URLs are allowed');
      text = await fetchers.fetchText(location.url, timeoutMs);
    }
  } catch (error) {
    throw new Error(`cannot read ${describeJwksLocation(location)}: ${error instanceof Error ? error.message : String(error)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${describeJwksLocation(location)} is not JSON`);
  }
  return checkShape(parsed, location);
}

function checkShape(value: unknown, location: JwksLocation): JSONWebKeySetLike {
  if (!value || typeof value !== 'object' || !Array.isArray((value as { keys?: unknown }).keys)) {
    throw new Error(`${describeJwksLocation(location)} is not a JWKS (an object with a "keys" array)`);
  }
  return value as JSONWebKeySetLike;
}
