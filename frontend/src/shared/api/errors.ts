/** Field errors as the backend's exception handler renders them: field name → messages. */
export type FieldErrors = Record<string, string[]>;

/**
 * Every failed API call rejects with an ApiError carrying the backend's stable `code`
 * (DESIGN §6.8: `{code, message, fields}`), so callers branch on `code`, never on text.
 * `status` is 0 for network failures.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: FieldErrors;

  constructor(status: number, code: string, message: string, fields: FieldErrors = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fields = fields;
  }
}

/**
 * Nested serializer errors become dotted paths: `{"settings": {"allowed_origins": [..]}}` →
 * `settings.allowed_origins`, `{"roles": [{}, {"scope_id": [..]}]}` → `roles.1.scope_id`.
 */
function normalizeFields(raw: unknown): FieldErrors {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return {};
  const out: FieldErrors = {};
  const add = (key: string, message: string) => (out[key] ??= []).push(message);
  const walk = (key: string, value: unknown) => {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        if (item && typeof item === 'object') walk(`${key}.${index}`, item);
        else if (item !== null && item !== undefined) add(key, String(item));
      });
    } else if (typeof value === 'object') {
      for (const [child, nested] of Object.entries(value as Record<string, unknown>)) walk(`${key}.${child}`, nested);
    } else {
      add(key, String(value));
    }
  };
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) walk(key, value);
  return out;
}

/** Turns a non-2xx response into an ApiError, tolerating bodies that are not our JSON shape. */
export async function parseErrorResponse(response: Response): Promise<ApiError> {
  let body: unknown;
  try {
    const text = await response.text();
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null; // not JSON (proxy error page, empty body): fall back to the status
  }
  const fallbackCode = `http_${response.status}`;
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const b = body as Record<string, unknown>;
    const code = typeof b.code === 'string' && b.code ? b.code : fallbackCode;
    const message =
      typeof b.message === 'string'
        ? b.message
        : typeof b.detail === 'string'
          ? b.detail
          : response.statusText || code;
    return new ApiError(response.status, code, message, normalizeFields(b.fields));
  }
  return new ApiError(response.status, fallbackCode, response.statusText || fallbackCode);
}
