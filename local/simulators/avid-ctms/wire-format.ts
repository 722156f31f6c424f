import { isFinalLifecycle, type SimCommand } from './state.js';

/*
 * How CTMS writes things, from the command:command resource documentation and its examples:
 * HAL with absolute links and the `command` curie, .NET timestamps, the error struct.
 */

export const COMMANDS_PATH = '/apis/mam/commands/';
export const TOKEN_PATH = '/auth/sso/login/oauth2/client-credentials/default';
export const ROPC_PATH = '/auth/sso/login/oauth2/ropc/default';
export const CURIE_HREF = 'http://services.avid.com/apis/command/{rel}';

const SERVICE = {
  serviceName: 'MAMAssetsCTC_1',
  serviceInstance: 'MAMAssetsCTC_1',
  serviceVersion: '7.5.0.91',
};

/** How links are written: the origin they carry, and the prefix of the `command` curie. */
export interface LinkSpelling {
  origin: string;
  curiePrefix: string;
}

/**
 * A timestamp the way CTMS's .NET services write it: local time at +01:00 with seven
 * fractional digits, e.g. `2020-01-27T13:21:53.9130000+01:00`.
 */
export function formatCtmsDate(epochMs: number): string {
  const shifted = new Date(epochMs + 3600 * 1000).toISOString(); // 2020-01-27T13:21:53.913Z
  return `${shifted.slice(0, -1)}0000+01:00`;
}

/** The absolute URL of a command (or of one of its actions). */
export function commandHref(origin: string, id: string, suffix = ''): string {
  return `${origin}${COMMANDS_PATH}${encodeURIComponent(id)}${suffix}`;
}

/** The command:command resource of a command as it stands at `now`. */
export function commandResource(
  command: SimCommand,
  now: number,
  links: LinkSpelling,
): Record<string, unknown> {
  const position = command.timeline.at(now);
  const step = position.step.state;
  const stepStartedAt = command.timeline.startedAt + position.step.at * 1000;
  const final = isFinalLifecycle(step.lifecycle);
  const moving = step.lifecycle === 'running' && position.progress !== undefined;
  const payload: Record<string, unknown> = {};
  if (command.parameters) payload['command-parameters'] = command.parameters;
  if (step.result) payload.result = step.result;
  return {
    command: {
      type: command.type,
      id: command.id,
      lifecycle: step.lifecycle,
      ...(step.state ? { state: step.state } : {}),
      ...(step.error ? { error: step.error } : {}),
      ...(position.progress !== undefined ? { progress: Math.round(position.progress) } : {}),
      ...SERVICE,
      host: 'ctms-sim',
      created: formatCtmsDate(command.timeline.startedAt),
      modified: formatCtmsDate(moving ? now : stepStartedAt),
      ...(final ? { finished: formatCtmsDate(stepStartedAt) } : {}),
    },
    version: '1.0',
    ...(Object.keys(payload).length > 0 ? { payload } : {}),
    _links: commandLinks(command.id, final, links),
  };
}

function commandLinks(id: string, final: boolean, links: LinkSpelling): Record<string, unknown> {
  const written: Record<string, unknown> = {
    curies: [{ href: CURIE_HREF, name: links.curiePrefix, templated: true }],
    self: { href: commandHref(links.origin, id) },
  };
  // Only a command that can still be stopped offers a cancel link; the documented bulk example,
  // a finished command, has none.
  if (!final) written[`${links.curiePrefix}:cancel`] = { href: commandHref(links.origin, id, '/cancel') };
  return written;
}

/** `GET /auth`: the HAL entry point of authentication, listing the token endpoints. */
export function authEntry(origin: string): Record<string, unknown> {
  return {
    _links: {
      curies: [{ href: `${origin}/auth/def/rels/{rel}`, name: 'auth', templated: true }],
      self: { href: `${origin}/auth` },
      // Describes the current token; issues none.
      'auth:token': [{ href: `${origin}/auth/tokens/current`, name: 'current' }],
      'auth:client-credentials': [{ href: `${origin}${TOKEN_PATH}`, name: 'default' }],
      'auth:ropc-default': [{ href: `${origin}${ROPC_PATH}`, name: 'default' }],
    },
  };
}

/** An OAuth2 token answer (RFC 6749 §5.1). */
export function tokenAnswer(token: string, lifetimeSeconds: number): Record<string, unknown> {
  return { access_token: token, token_type: 'bearer', expires_in: lifetimeSeconds };
}

/** A CTMS error answer: the error struct of the command resource, as its own body. */
export function errorBody(status: number, code: string, text: string): Record<string, unknown> {
  return { error: { code, text, httpCode: status } };
}
