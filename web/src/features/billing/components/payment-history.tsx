import { EmptyState, ErrorState, Loading } from "../../../components/ui/states";
import type { Payment } from "../../../lib/api-types";
import { formatDateTime, formatMoney } from "../../../lib/format";
import { useLocale, useMessages, type Locale } from "../../../lib/i18n";
import { saveFile } from "../../../lib/save-file";
import { usePayments } from "../api/billing-queries";
import { billingMessages } from "../messages";
import { formatPrice } from "../price";
import { receiptBlob, receiptFilename, receiptText } from "../receipt";
import { paymentStatusLabel, planName, providerName, purposeLabel, type BillingT } from "./labels";

function amountWithCurrency(payment: Payment, amountMinor: number, locale: Locale): string {
  return `${formatPrice(amountMinor, payment.currency, locale)} ${payment.currency.toUpperCase()}`;
}

/** Builds the payment's receipt in the page's language and saves it; nothing is fetched. */
function downloadReceipt(payment: Payment, t: BillingT, locale: Locale): void {
  const item =
    payment.purpose === "plan"
      ? t("purpose.plan", { plan: planName(t, payment.productId) })
      : `${purposeLabel(t, payment)}: ${t("packCredit", { credit: formatMoney(payment.creditMicroUsd, locale) })}`;
  const text = receiptText(
    payment,
    {
      title: t("receiptTitle"),
      payment: t("receiptPayment"),
      date: t("receiptDate"),
      completed: t("receiptCompleted"),
      item: t("receiptItem"),
      amount: t("receiptAmount"),
      refunded: t("receiptRefunded"),
      credit: t("receiptCredit"),
      status: t("receiptStatus"),
      method: t("receiptMethod"),
      ourReference: t("receiptOurReference"),
      providerReference: t("receiptProviderReference", { provider: providerName(payment.provider) }),
      notYetKnown: t("receiptNotYetKnown"),
      note: t("receiptNote"),
    },
    {
      item,
      amount: amountWithCurrency(payment, payment.amountMinor, locale),
      refunded: payment.refundedMinor > 0 ? amountWithCurrency(payment, payment.refundedMinor, locale) : null,
      credit: formatMoney(payment.status === "succeeded" ? payment.creditMicroUsd : 0, locale),
      status: paymentStatusLabel(t, payment.status),
      provider: providerName(payment.provider),
      date: formatDateTime(payment.createdAt, locale),
      completed: payment.completedAt ? formatDateTime(payment.completedAt, locale) : null,
    },
  );
  saveFile(receiptBlob(text), receiptFilename(payment));
}

/** The account's payments, newest first, each with a receipt to download. Scrolls sideways on a narrow screen. */
export function PaymentHistory() {
  const t = useMessages(billingMessages);
  const { locale } = useLocale();
  const payments = usePayments();
  return (
    <section className="card" aria-labelledby="history-title">
      <h2 id="history-title">{t("historyTitle")}</h2>
      {payments.isPending ? <Loading /> : null}
      {payments.isError ? (
        <ErrorState error={payments.error} title={t("paymentsFailed")} onRetry={() => void payments.refetch()} />
      ) : null}
      {payments.data && payments.data.data.length === 0 ? (
        <EmptyState>
          <p data-testid="payments-empty">{t("historyEmpty")}</p>
        </EmptyState>
      ) : null}
      {payments.data && payments.data.data.length > 0 ? (
        <div className="table-scroll" role="region" aria-label={t("historyRegion")} tabIndex={0}>
          <table className="table billing-table">
            <caption className="visually-hidden">{t("historyCaption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("colDate")}</th>
                <th scope="col">{t("colItem")}</th>
                <th scope="col">{t("colMethod")}</th>
                <th scope="col" className="numeric">
                  {t("colAmount")}
                </th>
                <th scope="col" className="numeric">
                  {t("colCredit")}
                </th>
                <th scope="col">{t("colStatus")}</th>
                <th scope="col">{t("colReceipt")}</th>
              </tr>
            </thead>
            <tbody>
              {payments.data.data.map((payment) => {
                const when = formatDateTime(payment.createdAt, locale);
                return (
                  <tr key={payment.id} data-testid="payment-row" data-payment-id={payment.id}>
                    <td>
                      <time dateTime={payment.createdAt}>{when}</time>
                    </td>
                    <td>{purposeLabel(t, payment)}</td>
                    <td>{providerName(payment.provider)}</td>
                    <td className="numeric">{formatPrice(payment.amountMinor, payment.currency, locale)}</td>
                    <td className="numeric">{formatMoney(payment.creditMicroUsd, locale)}</td>
                    <td data-testid="payment-status">{paymentStatusLabel(t, payment.status)}</td>
                    <td>
                      <button
                        type="button"
                        className="button-link"
                        data-testid="payment-receipt"
                        aria-label={t("receiptFor", { date: when })}
                        onClick={() => downloadReceipt(payment, t, locale)}
                      >
                        {t("receipt")}
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
