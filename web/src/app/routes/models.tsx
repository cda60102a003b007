// Placeholder until the Models page lands (replaced by the real route at merge).
import { ComingSoon } from "../../components/ui/coming-soon";
import { Page } from "../../components/ui/page";
import { useMessages } from "../../lib/i18n";
import { appMessages } from "../messages";

export function ModelsRoute() {
  const t = useMessages(appMessages);
  return (
    <Page title={t("modelsTitle")} description={t("modelsDescription")}>
      <ComingSoon>
        <p>{t("modelsBody")}</p>
      </ComingSoon>
    </Page>
  );
}
