import { createHash } from 'node:crypto';
import type { DigestPart } from './vdg-sense-options.js';

export interface DigestInputs {
  username: string;
  password: string;
  nonce: string;
  /** `yyyy-mm-dd hh:mm:ss`, UTC. */
  timestamp: string;
}

export interface DigestFormula {
  digestAlgorithm: 'sha1' | 'sha256' | 'md5';
  digestParts: readonly DigestPart[];
  digestSeparator: string;
}

/**
 * The `<digest>` of an AuthenticateUserDigest login: the hex hash of the configured parts,
 * joined by the separator. [INF] The default formula (SHA-1 of nonce + timestamp + password) is
 * inferred from the documented 40-hex-digit example; operators can change it per connection.
 *
 * @example
 * computeDigest(
 *   { username: 'u', password: 'p', nonce: 'n', timestamp: '2013-09-04 08:38:43' },
 *   { digestAlgorithm: 'sha1', digestParts: ['nonce', 'timestamp', 'password'], digestSeparator: '' },
 * ) // sha1('n2013-09-04 08:38:43p') as hex
 */
export function computeDigest(inputs: DigestInputs, formula: DigestFormula): string {
  const values = formula.digestParts.map((part) => partValue(part, inputs));
  return createHash(formula.digestAlgorithm)
    .update(values.join(formula.digestSeparator), 'utf8')
    .digest('hex');
}

function partValue(part: DigestPart, inputs: DigestInputs): string {
  switch (part) {
    case 'username':
      return inputs.username;
    case 'password':
      return inputs.password;
    case 'nonce':
      return inputs.nonce;
    case 'timestamp':
      return inputs.timestamp;
    case 'passwordSha1':
      return createHash('sha1').update(inputs.password, 'utf8').digest('hex');
    case 'passwordMd5':
      return createHash('md5').update(inputs.password, 'utf8').digest('hex');
  }
}
