/** Places the API's own error message next to the field it names (`error.param`), or above the form. */
import { ApiError } from "./api-error";

/** The message for the field `param` (also "limits" for "limits.requestsPerMinute"), or null. */
export function fieldError(error: unknown, param: string): string | null {
  if (!(error instanceof ApiError) || error.param === null) return null;
  return error.param === param || error.param.startsWith(`${param}.`) || error.param.startsWith(`${param}[`)
    ? error.message
    : null;
}

/** The message for the whole form: any error that names none of `fields`. */
export function formError(error: unknown, fields: readonly string[]): string | null {
  if (!error) return null;
  if (fields.some((field) => fieldError(error, field) !== null)) return null;
  return error instanceof Error ? error.message : String(error);
}
