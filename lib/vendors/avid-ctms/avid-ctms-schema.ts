import { z } from 'zod';
import { canonicalGuid } from '../shared/guid.js';

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
    // One spelling per UUID (case, braces, urn:uuid:), so one command is one job [INF: UUIDs
    // compare so, RFC 9562, and CTMS writes them in lower case]; numeric ids are only trimmed.
    commandId: z
      .string()
      .transform(canonicalGuid)
      .pipe(
        z
          .string()
          .regex(
            COMMAND_ID_PATTERN,
            'commandId must be the command id CTMS returned (a UUID or number: letters, digits, ".", "_", ":", "-")',
          ),
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

/**
 * A path under the connection's base URL. A leading `/` is dropped: it would otherwise resolve
 * against the host root and, when the base URL has a path, land outside it and be refused.
 */
const RelativePath = z
  .string()
  .trim()
  .min(1)
  .refine((path) => !/^[a-z][a-z0-9+.-]*:/i.test(path) && !path.startsWith('//'), {
    message: "must be a path relative to the connection's base URL, not an absolute URL",
  })
  .transform((path) => path.replace(/^\/+/, ''));

/** `{commandId}`, or `{id}` as Avid's own examples write it (`pamctc/commands/{id}`). */
export const COMMAND_ID_PLACEHOLDER = /\{(?:commandId|id)\}/g;

export const DEFAULT_COMMAND_URL_TEMPLATE = 'apis/commands/{commandId}';
export const DEFAULT_AUTH_PATH = 'auth';
export const DEFAULT_TOKEN_PATH = 'auth/sso/login/oauth2/client-credentials/default';
export const DEFAULT_ROPC_PATH = 'auth/sso/login/oauth2/ropc/default';

export const AvidCtmsOptionsSchema = z
  .object({
    /**
     * Where a command lives when the reference has only its id. CTMS command URLs belong to the
     * service that runs the command (e.g. `pamctc/commands/{commandId}`), so there is no single
     * right default [INF]: operators set it per connection.
     */
    commandUrlTemplate: RelativePath.refine((path) => /\{(?:commandId|id)\}/.test(path), {
      message: 'must contain the placeholder {commandId} (or {id}), e.g. "apis/mam/commands/{commandId}"',
    }).default(DEFAULT_COMMAND_URL_TEMPLATE),
    /** The HAL entry point of authentication (`GET https://<host>/auth`). */
    authPath: RelativePath.default(DEFAULT_AUTH_PATH),
    /** Token endpoint tried after those `/auth` advertises for client credentials [INF]. */
    tokenPath: RelativePath.default(DEFAULT_TOKEN_PATH),
    /** Token endpoint tried after those `/auth` advertises for a user login (`auth:ropc-default`) [INF]. */
    ropcPath: RelativePath.default(DEFAULT_ROPC_PATH),
    /** Also send the token as the `avidAccessToken` cookie, for a CTMS or gateway that reads only that [DOC]. */
    sendTokenCookie: z.boolean().default(false),
    /** Refresh a token this long before it expires, so no poll carries a token about to lapse. */
    tokenRefreshMarginSeconds: z.number().int().min(0).max(3600).default(60),
    /** Lifetime assumed when the token answer has no `expires_in` [INF]. */
    defaultTokenLifetimeSeconds: z.number().int().min(10).max(86_400).default(300),
  })
  .strict();
export type AvidCtmsOptions = z.infer<typeof AvidCtmsOptionsSchema>;

const Secret = z.string().min(1, 'must not be empty');

/**
 * No credentials (an open CTMS), a static bearer `{ token }`, OAuth2 client credentials
 * `{ clientId, clientSecret }`, or a user login through the app (`auth:ropc-default`, the
 * resource-owner password grant) `{ clientId, clientSecret, username, password }`.
 */
export const AvidCtmsCredentialsSchema = z
  .object({
    token: Secret.optional(),
    clientId: Secret.optional(),
    clientSecret: Secret.optional(),
    username: Secret.optional(),
    password: Secret.optional(),
  })
  .strict()
  .superRefine((credentials, context) => {
    const hasId = credentials.clientId !== undefined;
    const hasSecret = credentials.clientSecret !== undefined;
    const hasUser = credentials.username !== undefined;
    const hasPassword = credentials.password !== undefined;
    if (hasUser !== hasPassword) {
      context.addIssue({
        code: 'custom',
        path: [hasUser ? 'password' : 'username'],
        message: 'username and password go together',
      });
    }
    if (hasUser && !(hasId && hasSecret)) {
      context.addIssue({
        code: 'custom',
        path: ['clientId'],
        message: 'a username/password login also needs the app clientId and clientSecret (Basic client auth)',
      });
    }
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

/*
 * Every optional vendor field ends in `.catch(undefined)`: one field of an unexpected type (a
 * numeric `version`, an epoch-number date, a `state` sent as a bare string) drops that field
 * only, instead of making the whole answer "not a command resource" and the watch blind.
 */

/** A HAL link. `href` is all we use; the rest (name, templated) only helps pick among several. */
export const HalLinkSchema = z.looseObject({
  href: z.string().nullish().catch(undefined),
  name: z.string().nullish().catch(undefined),
  templated: z.boolean().nullish().catch(undefined),
});
export type HalLink = z.infer<typeof HalLinkSchema>;

const Text = z.string().nullish().catch(undefined);
const NumberLike = z.union([z.number(), z.string()]).nullish().catch(undefined);
const StringMap = z.record(z.string(), z.unknown()).nullish().catch(undefined);
/** Dates: the documented ISO strings, or the epoch numbers a hand-written server may send. */
const DateLike = z.union([z.string(), z.number()]).nullish().catch(undefined);
/** Ids: UUID strings in the documentation, long numbers on some services. */
const IdLike = z.union([z.string(), z.number()]).nullish().catch(undefined);
const LinksMap = z.record(z.string(), z.unknown()).nullish().catch(undefined);

/** A bare string where the documentation has a struct is read as that struct's `text`. */
function textStruct<T extends z.ZodType>(schema: T) {
  return z
    .preprocess((value) => (typeof value === 'string' ? { text: value } : value), schema.nullish())
    .catch(undefined);
}

const CommandStateSchema = textStruct(
  z.looseObject({
    text: Text,
    code: Text,
    params: StringMap,
    // The documentation names this sub property both `param` and `params`.
    param: StringMap,
  }),
);

const CommandErrorSchema = textStruct(
  z.looseObject({
    cause: Text,
    httpCode: NumberLike,
    text: Text,
    code: Text,
    params: StringMap,
  }),
);

export const CommandSchema = z.looseObject({
  type: Text,
  id: IdLike,
  lifecycle: Text,
  state: CommandStateSchema,
  error: CommandErrorSchema,
  progress: NumberLike,
  creator: Text,
  host: Text,
  serviceName: Text,
  serviceInstance: Text,
  serviceVersion: Text,
  created: DateLike,
  modified: DateLike,
  finished: DateLike,
});
export type Command = z.infer<typeof CommandSchema>;

/** One entry of a bulk command's `payload.result`. */
export const BulkResultItemSchema = z.looseObject({
  // A boolean in the documentation; "true"/"false" strings are read too.
  success: z.union([z.boolean(), z.string()]).nullish().catch(undefined),
  data: z.unknown().optional(),
  httpStatus: NumberLike,
  errorCode: Text,
  errorMessage: Text,
});

export const CommandResourceSchema = z.looseObject({
  version: z.union([z.string(), z.number()]).nullish().catch(undefined),
  // The one thing that makes an answer a command resource: without it, it is not one.
  command: CommandSchema,
  payload: z
    .looseObject({
      result: z.unknown().optional(),
    })
    .nullish()
    .catch(undefined),
  _links: LinksMap,
});
export type CommandResource = z.infer<typeof CommandResourceSchema>;

/**
 * The OAuth2 token answer (RFC 6749 §5.1); `expires_in` sometimes arrives as a string, and
 * `token_type` in any case (`bearer`). Hand-written gateways say `accessToken`/`expiresIn`.
 */
export const TokenResponseSchema = z
  .looseObject({
    access_token: Text,
    accessToken: Text,
    token_type: Text,
    expires_in: NumberLike,
    expiresIn: NumberLike,
  })
  .transform((answer) => ({
    accessToken: answer.access_token || answer.accessToken || undefined,
    expiresIn: answer.expires_in ?? answer.expiresIn,
  }));

/** The `/auth` HAL entry point (and its identity providers): only links matter. */
export const AuthEntrySchema = z.looseObject({
  _links: LinksMap,
  _embedded: z.record(z.string(), z.unknown()).nullish().catch(undefined),
});
