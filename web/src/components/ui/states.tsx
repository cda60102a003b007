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

/** A failed load: the API's own message, its request id to quote, and a retry. */
export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const t = useMessages(uiMessages);
  return (
    <div className="state state-error" role="alert">
      <p>
        <strong>{t("errorTitle")}</strong> {error instanceof Error ? error.message : null}
      </p>
      {error instanceof ApiError && error.requestId ? (
        <p className="muted">{t("requestId", { id: error.requestId })}</p>
      ) : null}
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
