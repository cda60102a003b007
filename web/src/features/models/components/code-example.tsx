import { useEffect, useId, useState } from "react";
import { useMessages } from "../../../lib/i18n";
import { modelsMessages } from "../messages";

/** A code block with a copy button; the result is announced politely. */
export function CodeExample({ title, code }: { title: string; code: string }) {
  const t = useMessages(modelsMessages);
  const headingId = useId();
  const [status, setStatus] = useState<"idle" | "copied" | "failed">("idle");
  useEffect(() => {
    if (status === "idle") return;
    const timer = setTimeout(() => setStatus("idle"), 4_000);
    return () => clearTimeout(timer);
  }, [status]);
  useEffect(() => setStatus("idle"), [code]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(code);
      setStatus("copied");
    } catch {
      setStatus("failed");
    }
  };

  return (
    <section className="code-example" aria-labelledby={headingId}>
      <div className="code-example-bar">
        <h3 id={headingId}>{title}</h3>
        <button type="button" onClick={() => void copy()} aria-describedby={headingId}>
          {t("copy")}
        </button>
      </div>
      <pre tabIndex={0} translate="no" lang="en">
        <code>{code}</code>
      </pre>
      <p className="code-example-status" role="status" aria-live="polite">
        {status === "copied" ? t("copied") : status === "failed" ? t("copyFailed") : ""}
      </p>
    </section>
  );
}
