// A throwaway certificate authority and a server certificate for 127.0.0.1 / localhost, made when a
// TLS server starts (nothing is stored or downloaded). Keys come from node:crypto; node-forge (a
// dependency of this private test tool only, loaded only when TLS is asked for) builds and signs
// the X.509 certificates.

import { generateKeyPairSync, randomBytes } from 'node:crypto';

/** The PEM material of one TLS server: the CA a client must trust, and the server's own key pair. */
export interface TestTlsMaterial {
  /** The test CA certificate (PEM); a client trusts the server by adding it to its CA list. */
  caCert: string;
  /** The server certificate (PEM): a leaf signed by the CA, SANs `127.0.0.1`, `::1`, `localhost`. */
  cert: string;
  /** The server's private key (PEM, PKCS#8). */
  key: string;
}

type Forge = typeof import('node-forge');

const DAY_MS = 24 * 60 * 60 * 1000;

function keyPair(forge: Forge) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return {
    pem: privateKey,
    privateKey: forge.pki.privateKeyFromPem(privateKey),
    publicKey: forge.pki.publicKeyFromPem(publicKey),
  };
}

function serial(): string {
  // A positive serial number: clear the top bit of the first byte.
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  return bytes.toString('hex');
}

/**
 * Make a fresh CA (basicConstraints cA, keyCertSign) and a leaf certificate it signs for
 * `127.0.0.1`, `::1` and `localhost` (serverAuth, not a CA), both valid from one day ago for 7 days.
 * RSA 2048, SHA-256. Throws when node-forge is not installed.
 */
export async function makeTestTls(): Promise<TestTlsMaterial> {
  const forge =
    ((await import('node-forge')) as unknown as { default?: Forge }).default ?? (await import('node-forge'));
  const now = Date.now();
  const validity = (cert: import('node-forge').pki.Certificate) => {
    cert.validity.notBefore = new Date(now - DAY_MS);
    cert.validity.notAfter = new Date(now + 7 * DAY_MS);
  };

  const caKeys = keyPair(forge);
  const ca = forge.pki.createCertificate();
  ca.publicKey = caKeys.publicKey;
  ca.serialNumber = serial();
  validity(ca);
  const caName = [
    { name: 'commonName', value: 'codex-ts responses-server test CA' },
    { name: 'organizationName', value: 'codex-ts tests' },
  ];
  ca.setSubject(caName);
  ca.setIssuer(caName);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  ca.sign(caKeys.privateKey, forge.md.sha256.create());

  const leafKeys = keyPair(forge);
  const leaf = forge.pki.createCertificate();
  leaf.publicKey = leafKeys.publicKey;
  leaf.serialNumber = serial();
  validity(leaf);
  leaf.setSubject([{ name: 'commonName', value: '127.0.0.1' }]);
  leaf.setIssuer(caName);
  leaf.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 7, ip: '127.0.0.1' },
        { type: 7, ip: '::1' },
        { type: 2, value: 'localhost' },
      ],
    },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes() },
  ]);
  leaf.sign(caKeys.privateKey, forge.md.sha256.create());

  return {
    caCert: forge.pki.certificateToPem(ca),
    cert: forge.pki.certificateToPem(leaf),
    key: leafKeys.pem,
  };
}
