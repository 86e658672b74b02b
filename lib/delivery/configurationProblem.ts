import type { KeyProblem } from './inspectCredentials';

export interface IConfigurationProblem {
  /** Stable SCREAMING_SNAKE code, e.g. `APN_CERT_EXPIRED`. */
  code: string;
  severity: 'error' | 'warning';
  /** What is wrong, in one sentence (never secret material). */
  message: string;
  /** What an admin should do about it. */
  action: string;
}

export function configurationError(code: string, message: string, action: string): IConfigurationProblem {
  return { code, severity: 'error', message, action };
}

export function configurationWarning(code: string, message: string, action: string): IConfigurationProblem {
  return { code, severity: 'warning', message, action };
}

/** Why a private key did not parse, in words an admin understands. */
export function keyProblemText(problem: KeyProblem): string {
  switch (problem) {
    case 'not-pem':
      return 'it is not PEM text (-----BEGIN … KEY-----)';
    case 'encrypted-needs-passphrase':
      return 'it is encrypted and no passphrase is set';
    case 'wrong-passphrase':
      return 'the passphrase does not decrypt it';
    case 'not-p256':
      return 'it is not an EC P-256 key';
    case 'unreadable':
      return 'it is damaged or in an unknown format';
  }
}
