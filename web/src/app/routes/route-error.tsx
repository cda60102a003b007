import { isRouteErrorResponse, Link, useRouteError } from "react-router";
import { Page } from "../../components/ui/page";
import { paths } from "../../config/paths";

/** Shown in place of a page that failed to render; the header and navigation stay usable. */
export function RouteError() {
  const error = useRouteError();
  const detail = isRouteErrorResponse(error)
    ? `${error.status} ${error.statusText}`
    : import.meta.env.DEV && error instanceof Error
      ? error.message
      : null;
  return (
    <Page title="Something went wrong" description="This page could not be shown. Reloading usually helps.">
      {detail === null ? null : (
        <p>
          <code>{detail}</code>
        </p>
      )}
      <p>
        <Link to={paths.overview}>Go to the overview</Link>
      </p>
    </Page>
  );
}
