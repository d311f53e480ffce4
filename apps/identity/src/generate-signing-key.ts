import { generateKeyPairSync } from 'node:crypto';

/*
 * Prints a new ES256 (EC P-256) signing key as a PKCS#8 PEM on stdout, for IDENTITY_SIGNING_KEY.
 * The local stack calls it once and keeps the key under .local/; production keys come from a
 * secret store. Nothing else is printed, so `> key.pem` captures exactly the key.
 */
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
process.stdout.write(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
