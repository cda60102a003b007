import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router";
import { paths } from "../../../config/paths";
import { useApi } from "../../../lib/api-context";
import { INTL_LOCALE, useLocale, useMessages } from "../../../lib/i18n";
import { browserStorage, markNoticeRead, readNoticeIds, unreadNotices } from "../../../lib/notice-state";
import { noticeMessages } from "../messages";

/** Unread notices (policy changes ahead of time, service notices), each dismissible; read state per notice id. */
export function NoticeBanner() {
  const t = useMessages(noticeMessages);
  const { locale } = useLocale();
  const api = useApi();
  const notices = useQuery({ queryKey: ["notices"], queryFn: ({ signal }) => api.getNotices({ signal }) });
  const [readIds, setReadIds] = useState(() => readNoticeIds(browserStorage()));
  const unread = unreadNotices(notices.data?.data ?? [], readIds);
  if (unread.length === 0) return null;
  const dateFormat = new Intl.DateTimeFormat(INTL_LOCALE[locale], { dateStyle: "long", timeZone: "UTC" });
  return (
    <section className="notices" aria-label={t("region")}>
      {unread.map((notice) => (
        <div key={notice.id} className={`notice-banner notice-${notice.kind}`} data-testid="notice-banner">
          <div>
            <strong>{notice.title[locale]}</strong>
            <p>{notice.body[locale]}</p>
            {notice.effectiveAt ? (
              <p>{t("effective", { date: dateFormat.format(new Date(notice.effectiveAt)) })}</p>
            ) : null}
            {notice.policyVersion ? (
              <p>
                {t("policyVersion", { version: notice.policyVersion })} <Link to={paths.policy}>{t("readPolicy")}</Link>
              </p>
            ) : null}
          </div>
          <button
            type="button"
            data-testid="notice-dismiss"
            aria-label={`${t("dismiss")}: ${notice.title[locale]}`}
            onClick={() => setReadIds(markNoticeRead(browserStorage(), notice.id))}
          >
            {t("dismiss")}
          </button>
        </div>
      ))}
    </section>
  );
}
