import type { ReactNode } from "react";
import { Link } from "react-router";
import { paths } from "../../config/paths";
import { useMessages } from "../../lib/i18n";
import { LanguageSwitch } from "./app-shell";
import { layoutMessages } from "./messages";

/** The frame of the pages shown outside the shell: sign-in, the age gate, the policy. */
export function PublicLayout({ children, actions }: { children: ReactNode; actions?: ReactNode }) {
  const t = useMessages(layoutMessages);
  return (
    <div className="app">
      <header className="app-header">
        <span className="brand">omnizen</span>
        <div className="header-tools">
          <LanguageSwitch />
          {actions}
        </div>
      </header>
      <main id="main" className="app-main public-main">
        {children}
      </main>
      <footer className="app-footer">
        <nav aria-label={t("footerNav")}>
          <Link to={paths.policy}>{t("policy")}</Link>
        </nav>
      </footer>
    </div>
  );
}
