import policyText from "../../../../../docs/privacy-policy.txt?raw";
import { Page } from "../../../components/ui/page";
import { policy } from "../../../config/policy";
import { INTL_LOCALE, useLocale, useMessages } from "../../../lib/i18n";
import { noticeMessages } from "../messages";

/** docs/privacy-policy.txt with its version and date. Numbered lines ("1.What We Collect") become headings. */
export function PolicyPage() {
  const t = useMessages(noticeMessages);
  const { locale } = useLocale();
  const date = new Intl.DateTimeFormat(INTL_LOCALE[locale], { dateStyle: "long", timeZone: "UTC" }).format(
    new Date(`${policy.date}T00:00:00Z`),
  );
  const lines = policyText.split(/\r?\n/).filter((line) => line.trim() !== "");
  return (
    <div data-testid="policy-page">
      <Page title={t("policyTitle")} description={t("policyDescription")}>
        <p className="muted">{t("policyMeta", { version: policy.version, date })}</p>
        {locale === "en" ? null : <p className="muted">{t("policyLanguage")}</p>}
        <article className="policy-text" lang="en">
          {lines.map((line, index) => {
            const heading = /^(\d+(?:\.\d+)?)\.?\s*(\S.*)$/.exec(line);
            if (heading && !line.startsWith("- ")) {
              const level = heading[1]?.includes(".") ? "h3" : "h2";
              const Tag = level;
              return <Tag key={index}>{`${heading[1]} ${heading[2]}`}</Tag>;
            }
            if (line.startsWith("- ")) return <p key={index}>• {line.slice(2)}</p>;
            return <p key={index}>{line}</p>;
          })}
        </article>
      </Page>
    </div>
  );
}
