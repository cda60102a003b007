import type { ReactNode } from "react";
import { useMessages } from "../../lib/i18n";
import { uiMessages } from "./messages";

/** Placeholder for a section whose feature has not shipped yet. Never show invented data in its place. */
export function ComingSoon({ children }: { children: ReactNode }) {
  const t = useMessages(uiMessages);
  return (
    <section className="coming-soon" aria-labelledby="coming-soon-heading">
      <h2 id="coming-soon-heading">{t("comingSoon")}</h2>
      {children}
    </section>
  );
}
