import { isRouteErrorResponse, Link, useRouteError } from "react-router";
import { Page } from "../../components/ui/page";
import { paths } from "../../config/paths";
import { useMessages } from "../../lib/i18n";
import { appMessages } from "../messages";

/** Shown in place of a page that failed to render; the header and navigation stay usable. */
export function RouteError() {
  const t = useMessages(appMessages);
  const error = useRouteError();
  const detail = isRouteErrorResponse(error)
    ? `${error.status} ${error.statusText}`
    : import.meta.env.DEV && error instanceof Error
      ? error.message
      : null;
  return (
    <Page title={t("errorTitle")} description={t("errorDescription")}>
      {detail === null ? null : (
        <p>
          <code>{detail}</code>
        </p>
      )}
      <p>
        <Link to={paths.overview}>{t("toOverview")}</Link>
      </p>
    </Page>
  );
}
