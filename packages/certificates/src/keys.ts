import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { CertificateError } from './errors.ts';

export interface GeneratedKeyPair {
  /** SPKI PEM: give it to whoever verifies. */
  readonly publicKeyPem: string;
  /** PKCS #8 PEM: it never leaves the signer. */
  readonly privateKeyPem: string;
  readonly keyId: string;
}

/** A fresh Ed25519 key pair. */
export function generateKeyPair(): GeneratedKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    keyId: keyIdOfKey(publicKey),
  };
}

/**
 * `ed25519:` and the first 16 bytes of the SHA-256 of the raw 32-byte public key, in hex: short enough to read
 * out over the phone, derived from the key alone so that anyone holding the public key gets the same id.
 */
export function keyIdOf(publicKeyPem: string): string {
  return keyIdOfKey(loadPublicKey(publicKeyPem));
}

export function keyIdOfKey(publicKey: KeyObject): string {
  const jwk = publicKey.export({ format: 'jwk' });
  if (typeof jwk.x !== 'string')
    throw new CertificateError('invalid-key', 'the public key has no Ed25519 point');
  const raw = Buffer.from(jwk.x, 'base64url');
  return `ed25519:${createHash('sha256').update(raw).digest().subarray(0, 16).toString('hex')}`;
}

export function loadPublicKey(pem: string): KeyObject {
  // createPublicKey would happily derive a public key from a private one; refusing it keeps private keys out of
  // trust lists, which are meant to be shared.
  if (/PRIVATE KEY/.test(pem))
    throw new CertificateError(
      'invalid-key',
      'this is a private key; verification needs the public key (the .pub file), and the private key should stay with its owner',
    );
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (error) {
    throw new CertificateError('invalid-key', `not a PEM public key: ${(error as Error).message}`);
  }
  return requireEd25519(key, 'public');
}

export function loadPrivateKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (error) {
    throw new CertificateError(
      'invalid-key',
      `not a PEM private key (give the .key file \`conform keys generate\` wrote): ${(error as Error).message}`,
    );
  }
  return requireEd25519(key, 'private');
}

function requireEd25519(key: KeyObject, kind: 'public' | 'private'): KeyObject {
  if (key.asymmetricKeyType !== 'ed25519')
    throw new CertificateError(
      'invalid-key',
      `the ${kind} key is ${key.asymmetricKeyType ?? 'of an unknown type'}, not Ed25519 (make one with \`conform keys generate\`)`,
    );
  return key;
}
