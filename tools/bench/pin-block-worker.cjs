'use strict';
// A worker thread of the open-loop bench's PinBlockMaker (pin-blocks.ts): encrypts PIN blocks off
// the main thread, so that their CPU does not delay payments due at the same moment. Plain
// CommonJS: a worker does not inherit the ts-node hook. Messages: { id, jobs: [{ kid, jwk, block }] }
// in, { id, blocks } or { id, error } out.
const { parentPort } = require('node:worker_threads');
const { CompactEncrypt, importJWK } = require('jose');

const keys = new Map();
const encoder = new TextEncoder();

function keyOf(kid, jwk) {
  let key = keys.get(kid);
  if (!key) {
    key = importJWK(jwk, 'ECDH-ES');
    keys.set(kid, key);
  }
  return key;
}

parentPort.on('message', async ({ id, jobs }) => {
  try {
    // All at once: each block's ephemeral key is generated on libuv's thread pool.
    const blocks = await Promise.all(
      jobs.map(async (job) => new CompactEncrypt(encoder.encode(JSON.stringify(job.block))).setProtectedHeader({ alg: 'ECDH-ES', enc: 'A256GCM', kid: job.kid, cty: 'json' }).encrypt(await keyOf(job.kid, job.jwk))),
    );
    parentPort.postMessage({ id, blocks });
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
