import { z } from 'zod';

/** The parts a login digest can be built from, in the order the operator lists them. */
export const DIGEST_PARTS = [
  'username',
  'password',
  'nonce',
  'timestamp',
  'passwordSha1',
  'passwordMd5',
] as const;
export type DigestPart = (typeof DIGEST_PARTS)[number];

/**
 * VDG's `AuthenticateUserDigest` login. The documentation shows the message (username, nonce,
 * timestamp, a 40-hex-digit digest, so SHA-1) but not the formula nor how the session comes
 * back, so both are configurable. [INF] Defaults: digest = hex SHA-1 of nonce + timestamp +
 * password; the session is a `Set-Cookie` from the login answer, or else a `<sessionid>` element
 * sent back as a cookie.
 */
const DigestAuthSchema = z
  .object({
    scheme: z.literal('digest'),
    /** Where the login XML is posted, relative to the base URL. */
    loginPath: z.string().min(1).default('webservice'),
    /** The nonce identifying the client type, when VDG issued one; else a random one per login. */
    nonce: z.string().min(1).max(200).optional(),
    digestAlgorithm: z.enum(['sha1', 'sha256', 'md5']).default('sha1'),
    digestParts: z.array(z.enum(DIGEST_PARTS)).min(1).default(['nonce', 'timestamp', 'password']),
    digestSeparator: z.string().max(4).default(''),
    /** How a session id from the login XML is sent back. */
    sessionVia: z.enum(['cookie', 'query']).default('cookie'),
    sessionName: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, "_", "." or "-"')
      .default('sessionid'),
    /** Result codes that mean "not logged in" (besides HTTP 401/403): the session is renewed once. */
    sessionErrorCodes: z.array(z.number().int().negative()).default([]),
  })
  .strict();

const BasicAuthSchema = z.object({ scheme: z.literal('basic') }).strict();
const NoAuthSchema = z.object({ scheme: z.literal('none') }).strict();

export const VdgSenseAuthSchema = z.discriminatedUnion('scheme', [
  DigestAuthSchema,
  BasicAuthSchema,
  NoAuthSchema,
]);
export type VdgSenseAuth = z.infer<typeof VdgSenseAuthSchema>;
export type VdgSenseDigestAuth = z.infer<typeof DigestAuthSchema>;

const CommandName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9]{0,63}$/, 'a VDG command name (letters and digits)');

/** A connection's `options` for VDG Sense. Operator configuration: unknown keys are typos. */
export const VdgSenseOptionsSchema = z
  .object({
    auth: VdgSenseAuthSchema.prefault({ scheme: 'digest' }),
    /** The command file, relative to the base URL (`http://server/command`). */
    commandPath: z.string().min(1).default('command'),
    /** [INF] The command that removes a pending export (the docs say exportVideo does both). */
    cancelCommand: CommandName.default('exportVideo'),
    /** [INF] VDG runs on Windows: paths compare case-insensitively unless told otherwise. */
    pathComparison: z.enum(['case-insensitive', 'exact']).default('case-insensitive'),
    /**
     * Polls in a row an errorcode-0 answer must leave our export out before it is LOST. VDG's
     * documented "no such export" is -57; an empty list is only nearly as clear, so it is
     * confirmed once (1: LOST at once).
     */
    notListedPollsBeforeLost: z.number().int().min(1).max(20).default(2),
  })
  .strict();
export type VdgSenseOptions = z.infer<typeof VdgSenseOptionsSchema>;

/**
 * `{ username, password }` for the digest and basic schemes. Both or neither: a half-filled
 * secret is a configuration mistake worth naming. Neither means no login and no Authorization
 * header whatever the scheme (see `hasCredentials`).
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
