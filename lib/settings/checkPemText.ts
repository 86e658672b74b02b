/** What a PEM setting may hold: a certificate, or a private key (PKCS#8, PKCS#1, SEC1, encrypted or not). */
export type PemKind = 'certificate' | 'private-key';

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g;
const PRIVATE_KEY_LABEL = /^(?:(?:RSA|EC|ENCRYPTED) )?PRIVATE KEY$/;

const EXPECTED: Record<PemKind, string> = {
  certificate: 'a PEM certificate (-----BEGIN CERTIFICATE----- … -----END CERTIFICATE-----)',
  'private-key': 'a PEM private key (-----BEGIN PRIVATE KEY----- … -----END PRIVATE KEY-----)',
};

/**
 * Why `text` is not PEM of the given kind, or undefined when it holds such a block. Catches what a paste or a file
 * upload gets wrong (another file, a binary .p12, a certificate where its key belongs, a truncated copy) without
 * parsing the material. The reason never quotes the text: it may be a secret.
 */
export function checkPemText(text: string, kind: PemKind): string | undefined {
  const labels: string[] = [];
  for (const match of text.matchAll(BLOCK)) {
    const [, begin, body, end] = match;
    if (begin !== end || body.trim() === '') continue;
    labels.push(begin);
  }
  const wanted = labels.some((label) => (kind === 'certificate' ? label === 'CERTIFICATE' : PRIVATE_KEY_LABEL.test(label)));
  if (wanted) return undefined;
  if (labels.length === 0) return `must be ${EXPECTED[kind]}`;
  const found = labels.some((label) => PRIVATE_KEY_LABEL.test(label)) ? 'a private key' : labels.includes('CERTIFICATE') ? 'a certificate' : 'another kind of PEM block';
  return `must be ${EXPECTED[kind]}, but holds ${found}`;
}
