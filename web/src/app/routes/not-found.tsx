import { Link, useLocation } from "react-router";
import { Page } from "../../components/ui/page";
import { paths } from "../../config/paths";
import { useMessages } from "../../lib/i18n";
import { appMessages } from "../messages";

export function NotFoundRoute() {
  const t = useMessages(appMessages);
  const { pathname } = useLocation();
  return (
    <Page title={t("notFoundTitle")} description={t("notFoundDescription")}>
      <p>
        {t("notFoundBody", { path: pathname })} <Link to={paths.overview}>{t("toOverview")}</Link>
      </p>
    </Page>
  );
}
