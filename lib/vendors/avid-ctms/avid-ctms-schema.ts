import { z } from 'zod';

/*
 * Two kinds of schema live here, on purpose side by side:
 * - OUR input (the caller's reference, the operator's options and credentials): strict, with
 *   messages that say what to fix.
 * - THE VENDOR's input (the command:command HAL resource, the /auth links, the token answer):
 *   lenient — loose objects, nullish fields — because vendor payloads break their own schemas and
 *   a missing optional field must never stop us from reading the lifecycle.
 */

/**
 * CTMS command ids are UUIDs in the documentation, but some services use long numbers
 * (`/pamctc/commands/2222498676990702465`). Anything URL-path-safe of sane length is accepted.
 */
const COMMAND_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export const AvidCtmsReferenceSchema = z
  .object({
    commandId: z
      .string()
      .regex(
        COMMAND_ID_PATTERN,
        'commandId must be the command id CTMS returned (a UUID or number: letters, digits, ".", "_", ":", "-")',
      )
      .optional(),
    href: z
      .url({
        protocol: /^https?$/,
        message: "href must be the command's absolute _links.self URL (http or https)",
      })
      .optional(),
  })
  .strict()
  .refine((reference) => reference.commandId !== undefined || reference.href !== undefined, {
    message: "give commandId, href (the command's _links.self), or both",
  });
export type AvidCtmsReference = z.infer<typeof AvidCtmsReferenceSchema>;

const RelativePath = z
  .string()
  .min(1)
  .refine((path) => !/^[a-z][a-z0-9+.-]*:/i.test(path) && !path.startsWith('//'), {
    message: "must be a path relative to the connection's base URL, not an absolute URL",
  });

export const DEFAULT_COMMAND_URL_TEMPLATE = 'apis/commands/{commandId}';
export const DEFAULT_AUTH_PATH = 'auth';
export const DEFAULT_TOKEN_PATH = 'auth/sso/login/oauth2/client-credentials/default';

export const AvidCtmsOptionsSchema = z
  .object({
    /**
     * Where a command lives when the reference has only its id. CTMS command URLs belong to the
     * service that runs the command (e.g. `pamctc/commands/{commandId}`), so there is no single
     * right default [INF]: operators set it per connection.
     */
    commandUrlTemplate: RelativePath.refine((path) => path.includes('{commandId}'), {
      message: 'must contain the placeholder {commandId}',
    }).default(DEFAULT_COMMAND_URL_TEMPLATE),
    /** The HAL entry point of authentication (`GET https://<host>/auth`). */
    authPath: RelativePath.default(DEFAULT_AUTH_PATH),
    /** Token endpoint used when `/auth` advertises no client-credentials link [INF]. */
    tokenPath: RelativePath.default(DEFAULT_TOKEN_PATH),
    /** Refresh a token this long before it expires, so no poll carries a token about to lapse. */
    tokenRefreshMarginSeconds: z.number().int().min(0).max(3600).default(60),
    /** Lifetime assumed when the token answer has no `expires_in` [INF]. */
    defaultTokenLifetimeSeconds: z.number().int().min(10).max(86_400).default(300),
  })
  .strict();
export type AvidCtmsOptions = z.infer<typeof AvidCtmsOptionsSchema>;

const Secret = z.string().min(1, 'must not be empty');

/**
 * No credentials (an open CTMS), a static bearer `{ token }`, or OAuth2 client credentials
 * `{ clientId, clientSecret }`.
 */
export const AvidCtmsCredentialsSchema = z
  .object({ token: Secret.optional(), clientId: Secret.optional(), clientSecret: Secret.optional() })
  .strict()
  .superRefine((credentials, context) => {
    const hasId = credentials.clientId !== undefined;
    const hasSecret = credentials.clientSecret !== undefined;
    if (hasId !== hasSecret) {
      context.addIssue({
        code: 'custom',
        path: [hasId ? 'clientSecret' : 'clientId'],
        message: 'clientId and clientSecret go together',
      });
    }
    if (credentials.token !== undefined && (hasId || hasSecret)) {
      context.addIssue({
        code: 'custom',
        path: ['token'],
        message: 'give either a static token or clientId/clientSecret, not both',
      });
    }
  });
export type AvidCtmsCredentials = z.infer<typeof AvidCtmsCredentialsSchema>;

// ---- Vendor input: lenient ------------------------------------------------------------------

/** A HAL link. `href` is all we use; the rest (name, templated) only helps pick among several. */
export const HalLinkSchema = z.looseObject({
  href: z.string().nullish(),
  name: z.string().nullish(),
  templated: z.boolean().nullish(),
});
export type HalLink = z.infer<typeof HalLinkSchema>;

const NumberLike = z.union([z.number(), z.string()]).nullish();

const CommandStateSchema = z.looseObject({
  text: z.string().nullish(),
  code: z.string().nullish(),
  params: z.record(z.string(), z.unknown()).nullish(),
  // The documentation names this sub property both `param` and `params`.
  param: z.record(z.string(), z.unknown()).nullish(),
});

const CommandErrorSchema = z.looseObject({
  cause: z.string().nullish(),
  httpCode: NumberLike,
  text: z.string().nullish(),
  code: z.string().nullish(),
  params: z.record(z.string(), z.unknown()).nullish(),
});

export const CommandSchema = z.looseObject({
  type: z.string().nullish(),
  id: z.union([z.string(), z.number()]).nullish(),
  lifecycle: z.string().nullish(),
  state: CommandStateSchema.nullish(),
  error: CommandErrorSchema.nullish(),
  progress: NumberLike,
  creator: z.string().nullish(),
  host: z.string().nullish(),
  serviceName: z.string().nullish(),
  serviceInstance: z.string().nullish(),
  serviceVersion: z.string().nullish(),
  created: z.string().nullish(),
  modified: z.string().nullish(),
  finished: z.string().nullish(),
});
export type Command = z.infer<typeof CommandSchema>;

/** One entry of a bulk command's `payload.result`. */
export const BulkResultItemSchema = z.looseObject({
  success: z.boolean().nullish(),
  data: z.unknown(),
  httpStatus: NumberLike,
  errorCode: z.string().nullish(),
  errorMessage: z.string().nullish(),
});

export const CommandResourceSchema = z.looseObject({
  version: z.string().nullish(),
  command: CommandSchema,
  payload: z
    .looseObject({
      result: z.unknown(),
    })
    .nullish(),
  _links: z.record(z.string(), z.unknown()).nullish(),
});
export type CommandResource = z.infer<typeof CommandResourceSchema>;

/** The OAuth2 token answer (RFC 6749 §5.1); `expires_in` sometimes arrives as a string. */
export const TokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().nullish(),
  expires_in: NumberLike,
});

/** The `/auth` HAL entry point: only its links matter. */
export const AuthEntrySchema = z.looseObject({
  _links: z.record(z.string(), z.unknown()).nullish(),
});
