import type { TFunction } from 'i18next';
import { ApiError } from '../api/errors';

/**
 * A user-facing sentence for any error: a translation of the backend's stable code when we
 * have one (`common:errors.<code>`), else the backend's own message, else a generic line.
 */
export function describeError(t: TFunction, error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 429) return t('common:errors.throttled');
    if (error.status === 0) return t('common:errors.network_error');
    return t(`common:errors.${error.code}`, { defaultValue: error.message || t('common:errors.generic') });
  }
  return t('common:errors.generic');
}
