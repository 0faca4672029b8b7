import { isIP } from 'node:net';
import { generate } from 'selfsigned';

/** A PEM certificate and its private key. */
export interface CertificatePair {
  cert: string;
  key: string;
  /** When the certificate stops being valid. */
  notAfter: Date;
}

/** Options for a self-signed webhook certificate. */
export interface CertificateRequest {
  /** DNS names and IP addresses the certificate holds; the first is its common name. */
  names: readonly string[];
  days: number;
  /** Now, unless given (for tests). */
  now?: Date;
}

/**
 * A self-signed certificate for the webhook of a test cluster: its own CA (so the same PEM is the
 * webhook configurations' caBundle), with every name as a subject alternative name, since the API
 * server never reads the common name.
 */
export async function selfSignedPair(request: CertificateRequest): Promise<CertificatePair> {
  const notBefore = request.now ?? new Date();
  const notAfter = new Date(notBefore.getTime() + request.days * 24 * 60 * 60 * 1000);
  const pems = await generate([{ name: 'commonName', value: request.names[0]! }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: notBefore,
    notAfterDate: notAfter,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: request.names.map((name) => (isIP(name) ? { type: 7 as const, ip: name } : { type: 2 as const, value: name })) },
    ],
  });
  return { cert: pems.cert, key: pems.private, notAfter };
}
