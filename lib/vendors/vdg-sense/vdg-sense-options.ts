import { z } from 'zod';

/** What a login digest can be built from, in the order the operator lists them. */
export const DIGEST_PARTS = ['username', 'password', 'nonce', 'timestamp', 'passwordSha1'] as const;
export type DigestPart = (typeof DIGEST_PARTS)[number];

/**
 * The `AuthenticateUserDigest` login posted to `{baseUrl}webservice`. [DOC] VDG's Authentication
 * article (CA-20220907-TP-01) shows the message — username, a nonce that "identifies the client
 * type", a UTC timestamp and a 40-hex-digit digest, so SHA-1 — but neither the formula nor how
 * the session comes back; those are the options here.
 */
const AuthSchema = z
  .object({
    /** The nonce VDG issued for this client type; needed as soon as the connection has credentials. */
    nonce: z.string().min(1).max(200).optional(),
    /** What the SHA-1 digest hashes, concatenated in this order (the formula is not published). */
    digestParts: z.array(z.enum(DIGEST_PARTS)).min(1).default(['nonce', 'timestamp', 'password']),
    /** How a session id from the login answer goes back on later requests. */
    sessionVia: z.enum(['cookie', 'query']).default('cookie'),
    /** The login answer's element holding the session id, and the cookie / query name it is sent as. */
    sessionName: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, "_", "." or "-"')
      .default('sessionid'),
  })
  .strict();
export type VdgSenseAuth = z.infer<typeof AuthSchema>;

/**
 * A connection's `options` for VDG Sense. Operator configuration: unknown keys are typos. The
 * command and login files are the documented `command` and `webservice` under the base URL.
 */
export const VdgSenseOptionsSchema = z.object({ auth: AuthSchema.prefault({}) }).strict();
export type VdgSenseOptions = z.infer<typeof VdgSenseOptionsSchema>;

/**
 * `{ username, password }`, both or neither: a half-filled secret is a configuration mistake
 * worth naming. Neither means a manager without login: no login is sent at all.
 */
export const VdgSenseCredentialsSchema = z
  .object({
    username: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
  })
  .loose()
  .refine((credentials) => (credentials.username === undefined) === (credentials.password === undefined), {
    message: 'username and password go together',
  });
