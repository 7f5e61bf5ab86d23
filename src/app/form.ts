/**
 * `c.req.form()`: the body as `FormData`, from
 * application/x-www-form-urlencoded or multipart/form-data (RFC 7578), with
 * limits on the number and size of parts. Files become `File` objects.
 */
import { resolveIntegerOptions } from '../options.ts';
import { HttpError } from './http-error.ts';
import { mediaTypeParameter } from './media-type.ts';
import { parseMultipart } from './multipart.ts';
import { parsePairs } from './query.ts';

export interface FormLimits {
  /** Most fields (not files) in one form. Past it: 413 `ERR_FORM_LIMIT`. */
  readonly maxFields: number;
  /** Most files in one form. Past it: 413 `ERR_FORM_LIMIT`. */
  readonly maxFiles: number;
  /** Largest field value, in bytes. Past it: 413 `ERR_FORM_LIMIT`. */
  readonly maxFieldBytes: number;
  /** Largest single file, in bytes (the body limit applies too). Past it: 413 `ERR_FORM_LIMIT`. */
  readonly maxFileBytes: number;
}

export const DEFAULT_FORM_LIMITS: FormLimits = Object.freeze({
  maxFields: 1000,
  maxFiles: 20,
  maxFieldBytes: 64 * 1024,
  maxFileBytes: 1024 * 1024,
});

/** Form limits with some entries replaced; bad values throw `ERR_INVALID_OPTION`. */
export function resolveFormLimits(overrides: Partial<FormLimits> = {}): FormLimits {
  return resolveIntegerOptions(DEFAULT_FORM_LIMITS, overrides, 'form limit');
}

interface FormSource {
  header(name: string): string | undefined;
  body(): Promise<Buffer>;
}

/** Parses the body of `req` as a form. 415 `ERR_UNSUPPORTED_MEDIA_TYPE` for other content types. */
export async function parseForm(req: FormSource, limits: FormLimits): Promise<FormData> {
  const contentType = req.header('content-type') ?? '';
  const mediaType = contentType.split(';', 1)[0]!.trim().toLowerCase();
  if (mediaType === 'application/x-www-form-urlencoded') {
    return urlencodedForm((await req.body()).toString('utf8'), limits);
  }
  if (mediaType === 'multipart/form-data') {
    const boundary = mediaTypeParameter(contentType, 'boundary');
    if (boundary === undefined || boundary === '') throw new HttpError(400, 'multipart/form-data without a boundary', { code: 'ERR_BODY_FORM' });
    return parseMultipart(await req.body(), boundary, limits);
  }
  throw new HttpError(415, 'the body is not a form', { code: 'ERR_UNSUPPORTED_MEDIA_TYPE' });
}

function urlencodedForm(text: string, limits: FormLimits): FormData {
  const form = new FormData();
  let fields = 0;
  for (const [name, value] of parsePairs(text, 'ERR_BODY_FORM')) {
    if (++fields > limits.maxFields) throw formLimit(`more than ${limits.maxFields} fields`);
    if (Buffer.byteLength(value) > limits.maxFieldBytes) throw formLimit(`field "${name}" is larger than ${limits.maxFieldBytes} bytes`);
    form.append(name, value);
  }
  return form;
}

/** The 413 for a form past one of its limits. */
export function formLimit(message: string): HttpError {
  return new HttpError(413, message, { code: 'ERR_FORM_LIMIT' });
}
