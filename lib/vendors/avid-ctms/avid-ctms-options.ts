import { z } from 'zod';

/*
 * The operator's input: strict, with messages that say what to fix. The connection's options say
 * where this CTMS keeps its commands and its token endpoints; the credentials say how to log in.
 */

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

export const COMMAND_ID_PLACEHOLDER = '{commandId}';

export const DEFAULT_COMMAND_URL_TEMPLATE = 'apis/commands/{commandId}';
export const DEFAULT_TOKEN_PATH = 'auth/sso/login/oauth2/client-credentials/default';
export const DEFAULT_ROPC_PATH = 'auth/sso/login/oauth2/ropc/default';

export const AvidCtmsOptionsSchema = z
  .object({
    /**
     * Where a command lives when the reference has only its id. CTMS command URLs belong to the
     * service that runs the command, so there is no single right default: operators set it per
     * connection (a reference with the command's `_links.self` needs none).
     */
    commandUrlTemplate: RelativePath.refine((path) => path.includes(COMMAND_ID_PLACEHOLDER), {
      message: 'must contain the placeholder {commandId}, e.g. "apis/mam/commands/{commandId}"',
    }).default(DEFAULT_COMMAND_URL_TEMPLATE),
    /**
     * The client-credentials token endpoint: the href `GET /auth` lists for it [DOC]. Configured,
     * not discovered: `/auth` links are absolute and name the host CTMS thinks it has, which
     * behind a gateway is not the connection's, and links off the connection are never followed.
     */
    tokenPath: RelativePath.default(DEFAULT_TOKEN_PATH),
    /** The user-login (ROPC) token endpoint: the href of `auth:ropc-default` [DOC], configured likewise. */
    ropcPath: RelativePath.default(DEFAULT_ROPC_PATH),
    /** Also send the token as the `avidAccessToken` cookie, which CTMS takes as well as the header [DOC]. */
    sendTokenCookie: z.boolean().default(false),
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
    for (const issue of credentialIssues(credentials)) context.addIssue({ code: 'custom', ...issue });
  });
export type AvidCtmsCredentials = z.infer<typeof AvidCtmsCredentialsSchema>;

function credentialIssues(credentials: { [K in keyof AvidCtmsCredentials]?: string | undefined }) {
  const has = (key: keyof AvidCtmsCredentials) => credentials[key] !== undefined;
  const issues: { path: string[]; message: string }[] = [];
  if (has('username') !== has('password')) {
    issues.push({
      path: [has('username') ? 'password' : 'username'],
      message: 'username and password go together',
    });
  }
  if (has('username') && !(has('clientId') && has('clientSecret'))) {
    issues.push({
      path: ['clientId'],
      message: 'a username/password login also needs the app clientId and clientSecret (Basic client auth)',
    });
  }
  if (has('clientId') !== has('clientSecret')) {
    issues.push({
      path: [has('clientId') ? 'clientSecret' : 'clientId'],
      message: 'clientId and clientSecret go together',
    });
  }
  if (has('token') && (has('clientId') || has('clientSecret'))) {
    issues.push({
      path: ['token'],
      message: 'give either a static token or clientId/clientSecret, not both',
    });
  }
  return issues;
}
