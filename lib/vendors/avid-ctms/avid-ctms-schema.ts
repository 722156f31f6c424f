import { z } from 'zod';

/*
 * The vendor's input, read leniently: every optional field ends in `.catch(undefined)`, so one
 * field of an unexpected type drops that field only instead of making the whole answer "not a
 * command resource" and the watch blind. Vendor payloads break their own schemas — the seed's
 * own documentation names the state's parameter map `param` and its example `params` — and a
 * broken optional field must never stop us from reading the lifecycle.
 */

const Text = z.string().nullish().catch(undefined);
const Integer = z.number().int().nullish().catch(undefined);
const StringMap = z.record(z.string(), z.unknown()).nullish().catch(undefined);
const LinksMap = z.record(z.string(), z.unknown()).nullish().catch(undefined);

/** A HAL link: `href` is what we follow; `name` tells curies apart; a templated one is never followed. */
export const HalLinkSchema = z.looseObject({
  href: Text,
  name: Text,
  templated: z.boolean().nullish().catch(undefined),
});

/** `command.state`: the current execution step. */
export const CommandStateSchema = z
  .looseObject({
    text: Text,
    code: Text,
    params: StringMap,
    // The property list spells it `param`, the bulk example `params` (see avid-ctms-quirks.ts).
    param: StringMap,
  })
  .nullish()
  .catch(undefined);
export type CommandState = z.infer<typeof CommandStateSchema>;

/** `command.error`: `text` and `code` are mandatory in the documentation, but read as optional. */
export const CommandErrorSchema = z
  .looseObject({
    cause: Text,
    httpCode: Integer,
    text: Text,
    code: Text,
    params: StringMap,
  })
  .nullish()
  .catch(undefined);
export type CommandError = z.infer<typeof CommandErrorSchema>;

export const CommandSchema = z.looseObject({
  type: Text,
  id: Text,
  lifecycle: Text,
  state: CommandStateSchema,
  error: CommandErrorSchema,
  progress: z.number().nullish().catch(undefined),
  creator: Text,
  host: Text,
  serviceName: Text,
  serviceInstance: Text,
  serviceVersion: Text,
  created: Text,
  modified: Text,
  finished: Text,
});
export type Command = z.infer<typeof CommandSchema>;

/** One entry of a bulk command's `payload.result`, as a non-command bulk call answers it. */
export const BulkResultItemSchema = z.looseObject({
  success: z.boolean().nullish().catch(undefined),
  data: z.unknown().optional(),
  httpStatus: Integer,
  errorCode: Text,
  errorMessage: Text,
});
export type BulkResultItem = z.infer<typeof BulkResultItemSchema>;

export const CommandResourceSchema = z.looseObject({
  // The one thing that makes an answer a command resource: without it, it is not one.
  command: CommandSchema,
  payload: z
    .looseObject({ result: z.array(z.unknown()).nullish().catch(undefined) })
    .nullish()
    .catch(undefined),
  _links: LinksMap,
});
export type CommandResource = z.infer<typeof CommandResourceSchema>;

/**
 * Reads a parsed JSON body as a command:command resource; `undefined` when it is not one (no
 * `command` object), so the caller can raise a protocol error naming the request.
 *
 * @example parseCommandResource({ command: { lifecycle: 'running' } })?.command.lifecycle // 'running'
 */
export function parseCommandResource(body: unknown): CommandResource | undefined {
  const parsed = CommandResourceSchema.safeParse(body);
  return parsed.success ? parsed.data : undefined;
}

/** The OAuth2 token answer (RFC 6749 §5.1). `token_type` is not checked: the token goes as Bearer. */
export const TokenResponseSchema = z.looseObject({
  access_token: Text,
  expires_in: z.number().nullish().catch(undefined),
});

/** A CTMS error answer: the documented error struct, as the command resource carries it. */
export const CtmsErrorAnswerSchema = z.looseObject({ error: CommandErrorSchema });
