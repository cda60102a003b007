import { useEffect, useRef, type ReactNode } from "react";
import { Link, NavLink, Outlet, useLocation } from "react-router";
import { paths } from "../../config/paths";

interface NavigationItem {
  to: string;
  label: string;
  /** Only active on an exact match (the overview at "/"). */
  end?: boolean;
  /** "true" for a section link that is never itself the page (settings redirects to a sub-page). */
  currentValue?: "page" | "true";
}

const navigationItems: NavigationItem[] = [
  { to: paths.overview, label: "Overview", end: true },
  { to: paths.keys, label: "API keys" },
  { to: paths.usage, label: "Usage" },
  { to: paths.billing, label: "Billing" },
  { to: paths.settings, label: "Settings", currentValue: "true" },
];

/** `account`: what the header shows about the signed-in user (composed by the app, which may import features). */
export function AppShell({ account }: { account?: ReactNode }) {
  const mainRef = useRef<HTMLElement>(null);
  const { pathname } = useLocation();
  const previousPathname = useRef(pathname);

  // After a client-side navigation, move focus to the new content like a full page load would.
  useEffect(() => {
    if (previousPathname.current !== pathname) {
      previousPathname.current = pathname;
      mainRef.current?.focus();
    }
  }, [pathname]);

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <Link className="brand" to={paths.overview}>
          omnizen
        </Link>
        <nav aria-label="Main">
          <ul className="nav-list">
            {navigationItems.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} end={item.end ?? false} aria-current={item.currentValue ?? "page"}>
                  {item.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        {account}
      </header>
      <main id="main" ref={mainRef} tabIndex={-1} className="app-main">
        <Outlet />
      </main>
    </>
  );
}
