/** Strapi's error format: { error: { status, name, message, details: { errors: [{ path, message }] } } }. */
export interface ApiErrorBody {
  status?: number;
  name?: string;
  message?: string;
  details?: { errors?: Array<{ path?: Array<string | number>; message?: string }>; [key: string]: unknown };
}

export interface ParsedError {
  status?: number;
  name: string;
  message: string;
  /** messages for the action's form fields, by field name (from paths ['params', field, ...]) */
  fieldErrors: Record<string, string>;
  /** messages that belong to no form field */
  otherErrors: string[];
}

/** Pulls the error body out of what RTK Query, useFetchClient or our own fetch produced. */
export const errorBodyOf = (error: unknown): ApiErrorBody | undefined => {
  if (!error || typeof error !== 'object') return undefined;
  const anyError = error as Record<string, any>;
  // useFetchClient's FetchError: response.data.error
  if (anyError.response?.data?.error) return anyError.response.data.error;
  // a response body
  if (anyError.error && typeof anyError.error === 'object') return anyError.error;
  // RTK Query's error (the body's `error` object) or a plain Error
  if ('message' in anyError || 'name' in anyError) return anyError as ApiErrorBody;
  return undefined;
};

export const parseError = (error: unknown, fallbackMessage: string): ParsedError => {
  const body = errorBodyOf(error);
  const fieldErrors: Record<string, string> = {};
  const otherErrors: string[] = [];
  for (const issue of body?.details?.errors ?? []) {
    const path = (issue.path ?? []).map(String);
    const message = issue.message ?? '';
    if (path[0] === 'params' && path[1]) {
      fieldErrors[path[1]] = fieldErrors[path[1]] ? `${fieldErrors[path[1]]}; ${message}` : message;
    } else {
      otherErrors.push(path.length ? `${path.join('.')}: ${message}` : message);
    }
  }
  return {
    status: body?.status ?? (error as { status?: number } | undefined)?.status,
    name: body?.name ?? 'Error',
    message: body?.message || fallbackMessage,
    fieldErrors,
    otherErrors,
  };
};
