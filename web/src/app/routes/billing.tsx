import { ComingSoon } from "../../components/ui/coming-soon";
import { Page } from "../../components/ui/page";
import { useMessages } from "../../lib/i18n";
import { appMessages } from "../messages";

export function BillingRoute() {
  const t = useMessages(appMessages);
  return (
    <Page title={t("billingTitle")} description={t("billingDescription")}>
      <ComingSoon>
        <p>{t("billingBody")}</p>
      </ComingSoon>
    </Page>
  );
}
