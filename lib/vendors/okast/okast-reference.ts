import { z } from 'zod';
import { pathKey, REQUEST_FIELDS, type RequestField } from './okast-schema.js';

export const DESTINATION_FOLDER_KINDS = ['queueBottom', 'queueTop', 'indexed'] as const;

const Path = (field: string) =>
  z
    .string({ error: `${field} is required: the URL passed to _addVideoLink.php as ${field}` })
    .trim()
    .min(1, `${field} must not be empty`)
    .max(4096, `${field} is longer than 4096 characters`)
    // As the list is matched, so one ingest is one job whichever way the caller wrote its URL.
    .transform(pathKey);

/** A request parameter the caller may give as text, number or boolean; compared as the text Okast echoes. */
const Parameter = (field: string) =>
  z
    .union([z.string(), z.number(), z.boolean()], {
      error: `${field} must be the text, number or boolean passed to _addVideoLink.php`,
    })
    .transform((value) => String(value).trim())
    .optional();

/**
 * What a caller tells jobwatch about an Okast ingest. Okast gives an ingest no id: the job is
 * found in the instance's status list by the paths it was submitted with and by its request time,
 * so these are the parameters given to `_addVideoLink.php`. Strict: a misspelt field would
 * otherwise silently widen the match.
 *
 * @example
 * OkastReferenceSchema.parse({ filePath: 'https://storage/a.mp4', metadataPath: 'https://storage/a.json' })
 */
export const OkastReferenceSchema = z
  .object({
    filePath: Path('filePath'),
    metadataPath: Path('metadataPath'),
    destinationFolder: Parameter('destinationFolder'),
    destinationFolderKind: z
      .enum(DESTINATION_FOLDER_KINDS, {
        error: 'destinationFolderKind must be queueBottom, queueTop or indexed',
      })
      .optional(),
    destinationFolderIndex: Parameter('destinationFolderIndex'),
    destinationFolderIndexReplace: Parameter('destinationFolderIndexReplace'),
    reschedule: Parameter('reschedule'),
    validate: Parameter('validate'),
    /** When `_addVideoLink.php` was called (default: when the watch started). */
    submittedAt: z
      .string({ error: 'submittedAt must be an ISO date-time with Z or an offset' })
      .trim()
      .pipe(
        z.iso.datetime({ offset: true, error: 'submittedAt must be an ISO date-time with Z or an offset' }),
      )
      .optional(),
  })
  .strict();
export type OkastReference = z.infer<typeof OkastReferenceSchema>;

/** The optional request parameters that narrow a match when both the reference and the entry carry them. */
export const NARROWING_FIELDS = REQUEST_FIELDS.filter(
  (field): field is Exclude<RequestField, 'filePath' | 'metadataPath'> =>
    field !== 'filePath' && field !== 'metadataPath',
);
