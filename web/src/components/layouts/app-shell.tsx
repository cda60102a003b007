import { useEffect, useRef, useState, type ReactNode } from "react";
import { Link, NavLink, Outlet, useLocation } from "react-router";
import { paths } from "../../config/paths";
import { useLocale, useMessages, type Locale } from "../../lib/i18n";
import { layoutMessages } from "./messages";

type NavigationKey = "overview" | "keys" | "usage" | "models" | "billing" | "settings";

interface NavigationItem {
  key: NavigationKey;
  to: string;
  /** Only active on an exact match (the overview at "/"). */
  end?: boolean;
  /** "true" for a section link that is never itself the page (settings redirects to a sub-page). */
  currentValue?: "page" | "true";
}

const navigationItems: NavigationItem[] = [
  { key: "overview", to: paths.overview, end: true },
  { key: "keys", to: paths.keys },
  { key: "usage", to: paths.usage },
  { key: "models", to: paths.models },
  { key: "billing", to: paths.billing },
  { key: "settings", to: paths.settings, currentValue: "true" },
];

interface AppShellProps {
  /** What the header shows about the account (balance and plan), composed by the app. */
  account?: ReactNode;
  /** Above the page: the notices banner. */
  banner?: ReactNode;
  onSignOut(): void;
}

export function AppShell({ account, banner, onSignOut }: AppShellProps) {
  const t = useMessages(layoutMessages);
  const mainRef = useRef<HTMLElement>(null);
  const { pathname } = useLocation();
  const previousPathname = useRef(pathname);
  const [menuOpen, setMenuOpen] = useState(false);
  const menuButtonRef = useRef<HTMLButtonElement>(null);

  // On a phone, Escape closes the open menu and puts focus back on its button.
  useEffect(() => {
    if (!menuOpen) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return;
      setMenuOpen(false);
      menuButtonRef.current?.focus();
    };
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, [menuOpen]);

  // After a client-side navigation, move focus to the new content like a full page load would, and close the menu.
  useEffect(() => {
    if (previousPathname.current !== pathname) {
      previousPathname.current = pathname;
      setMenuOpen(false);
      mainRef.current?.focus();
    }
  }, [pathname]);

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        {t("skip")}
      </a>
      <header className="app-header">
        <Link className="brand" to={paths.overview}>
          omnizen
        </Link>
        <button
          ref={menuButtonRef}
          type="button"
          className="menu-button"
          aria-expanded={menuOpen}
          aria-controls="main-nav"
          onClick={() => setMenuOpen((open) => !open)}
        >
          {t("menu")}
        </button>
        <nav id="main-nav" aria-label={t("mainNav")} className={menuOpen ? "main-nav open" : "main-nav"}>
          <ul className="nav-list">
            {navigationItems.map((item) => (
              <li key={item.key}>
                <NavLink
                  to={item.to}
                  end={item.end ?? false}
                  aria-current={item.currentValue ?? "page"}
                  data-testid={`nav-${item.key}`}
                >
                  {t(item.key)}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="header-tools">
          {account}
          <LanguageSwitch />
          <button type="button" data-testid="sign-out" onClick={onSignOut}>
            {t("signOut")}
          </button>
        </div>
      </header>
      {banner}
      <main id="main" ref={mainRef} tabIndex={-1} className="app-main">
        <Outlet />
      </main>
      <footer className="app-footer">
        <nav aria-label={t("footerNav")}>
          <Link to={paths.policy}>{t("policy")}</Link>
        </nav>
      </footer>
    </div>
  );
}

/** English / বাংলা; each option is named in its own language. */
export function LanguageSwitch() {
  const t = useMessages(layoutMessages);
  const { locale, setLocale } = useLocale();
  return (
    <label className="language-switch">
      <span className="visually-hidden">{t("language")}</span>
      <select
        data-testid="language-switch"
        value={locale}
        onChange={(event) => setLocale(event.target.value as Locale)}
      >
        <option value="en" lang="en">
          English
        </option>
        <option value="bn" lang="bn">
          বাংলা
        </option>
      </select>
    </label>
  );
}
