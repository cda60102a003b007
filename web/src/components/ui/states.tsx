import type { ReactNode } from "react";
import { ApiError } from "../../lib/api-error";
import { useMessages } from "../../lib/i18n";
import { uiMessages } from "./messages";

export function Loading({ label }: { label?: string }) {
  const t = useMessages(uiMessages);
  return (
    <p className="state state-loading" role="status" aria-live="polite">
      {label ?? t("loading")}
    </p>
  );
}

/**
 * A failed load: what failed (translated), the API's own message (in English, marked as such), its request id to
 * quote, and a retry.
 */
export function ErrorState({ error, title, onRetry }: { error: unknown; title?: string; onRetry?: () => void }) {
  const t = useMessages(uiMessages);
  const apiError = error instanceof ApiError ? error : null;
  return (
    <div className="state state-error" role="alert">
      <p>
        <strong>{title ?? t("errorTitle")}</strong>
      </p>
      {apiError?.code === "network_error" ? (
        <p>{t("network")}</p>
      ) : apiError ? (
        <p lang="en">{apiError.message}</p>
      ) : null}
      {apiError?.requestId ? <p className="muted">{t("requestId", { id: apiError.requestId })}</p> : null}
      {onRetry ? (
        <button type="button" onClick={onRetry}>
          {t("retry")}
        </button>
      ) : null}
    </div>
  );
}

export function EmptyState({ children }: { children: ReactNode }) {
  return <div className="state state-empty">{children}</div>;
}
