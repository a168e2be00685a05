import { readFile } from 'node:fs/promises';
import { Value } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import { AmwError } from '../../errors.ts';
import { parseLocated, showPath } from '../located.ts';
import type { LocatedDoc, PathPart } from '../located.ts';
import { CriteriaFileSchema, ImageCriteriaSchema } from './criteria.ts';
import type { ImageCriteria } from './criteria.ts';

const CODE = 'AMW_ALLOWED_IMAGES_CRITERIA';

// Said in words: the schema's regular expressions are not what a user should have to read.
const PATTERN_HINTS: Record<string, string> = {
  ImageProviders: 'amazon, aws-marketplace, aws-backup-vault, none or a 12-digit account id',
  ImageNames: "letters, digits, spaces, ( ) [ ] . / - ' @ _ and the wildcards * ?",
  MarketplaceProductCodes: 'letters and digits',
};
const [LIST_SCHEMA, WRAPPED_SCHEMA] = CriteriaFileSchema.anyOf;

/**
 * Reads a proposed criteria file: JSON or YAML (JSON is YAML, so one parser keeps line numbers
 * for both), either the bare ImageCriteria list or the GetAllowedImagesSettings output.
 */
export async function loadCriteriaFile(file: string): Promise<ImageCriteria> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new AmwError(CODE, `cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  return parseCriteriaText(file, text);
}

export function parseCriteriaText(file: string, text: string): ImageCriteria {
  const doc = parseLocated(file, text, CODE);
  const v = doc.value;
  if (Array.isArray(v)) {
    check(doc, LIST_SCHEMA, v);
    return checkRules(doc, v as ImageCriteria, []);
  }
  if (v === null || typeof v !== 'object')
    throw new AmwError(CODE, 'expected a list of image criteria or an object with ImageCriteria', {
      location: doc.at([]),
    });
  check(doc, WRAPPED_SCHEMA, v);
  return checkRules(doc, (v as { ImageCriteria: ImageCriteria }).ImageCriteria, ['ImageCriteria']);
}

/** Rules AWS states that a schema cannot say: `none` stands alone; a name with `?` is at least 3 long. */
function checkRules(doc: LocatedDoc, criteria: ImageCriteria, at: PathPart[]): ImageCriteria {
  for (const [i, c] of criteria.entries()) {
    const providers = c.ImageProviders ?? [];
    if (providers.includes('none') && providers.length > 1)
      throw new AmwError(CODE, `${showPath([...at, i, 'ImageProviders'])}: none allows no other provider`, {
        location: doc.at([...at, i, 'ImageProviders']),
      });
    for (const [j, n] of (c.ImageNames ?? []).entries())
      if (n.includes('?') && n.length < 3)
        throw new AmwError(
          CODE,
          `${showPath([...at, i, 'ImageNames', j])}: a name with ? needs 3 characters or more`,
          {
            location: doc.at([...at, i, 'ImageNames', j]),
          },
        );
  }
  return criteria;
}

function check(doc: LocatedDoc, schema: TSchema, value: unknown): void {
  const err = Value.Errors(schema, value).First();
  if (!err) return;
  const path: PathPart[] = err.path
    .split('/')
    .slice(1)
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  const unknownField = err.message === 'Unexpected property';
  const field = path.find((p): p is string => typeof p === 'string' && p in PATTERN_HINTS);
  const msg = unknownField
    ? 'unknown field'
    : field && err.message.startsWith('Expected string to match')
      ? `expected ${PATTERN_HINTS[field]}`
      : err.message;
  throw new AmwError(CODE, `${showPath(path) || '(top)'}: ${msg}`, { location: doc.at(path, unknownField) });
}

/**
 * The criteria stored by the collector (the SDK's ImageCriteria as JSON). Undefined when the
 * text does not parse or does not fit the schema, so a report can say so for that scope.
 */
export function parseStoredCriteria(json: string | null): ImageCriteria | undefined {
  if (json === null || json === '') return [];
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    return undefined;
  }
  return Value.Check(ImageCriteriaSchema, v) ? v : undefined;
}
