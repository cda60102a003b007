import { Link, useLocation } from "react-router";
import { Page } from "../../components/ui/page";
import { paths } from "../../config/paths";

export function NotFoundRoute() {
  const { pathname } = useLocation();
  return (
    <Page title="Page not found" description="There is no dashboard page at this address.">
      <p>
        Nothing lives at <code>{pathname}</code>. <Link to={paths.overview}>Go to the overview</Link>.
      </p>
    </Page>
  );
}
