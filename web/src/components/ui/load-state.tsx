import { ApiError } from "../../lib/api-error";
import { useMessages } from "../../lib/i18n";
import { loadStateMessages } from "./load-state-messages";

/** A polite "Loading…" for a section whose data has not arrived. */
export function Loading({ label }: { label?: string }) {
  const t = useMessages(loadStateMessages);
  return (
    <p className="load-state" role="status" aria-live="polite">
      {label ?? t("loading")}
    </p>
  );
}

/**
 * A failed load: what failed (translated), the API's own message (in English, marked as such), its request id
 * for support, and a retry.
 */
export function LoadError({ error, title, onRetry }: { error: unknown; title?: string; onRetry?: () => void }) {
  const t = useMessages(loadStateMessages);
  const apiError = error instanceof ApiError ? error : null;
  return (
    <div className="load-state load-state-error" role="alert">
      <p>{title ?? t("failed")}</p>
      {apiError?.code === "network_error" ? (
        <p>{t("network")}</p>
      ) : apiError ? (
        <p lang="en">{apiError.message}</p>
      ) : null}
      {apiError?.requestId ? (
        <p>
          <code>{t("requestId", { id: apiError.requestId })}</code>
        </p>
      ) : null}
      {onRetry ? (
        <button type="button" onClick={onRetry}>
          {t("retry")}
        </button>
      ) : null}
    </div>
  );
}
