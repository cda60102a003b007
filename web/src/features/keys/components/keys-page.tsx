import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ConfirmDialog, Dialog } from "../../../components/ui/dialog";
import { useJurisdictionLabel } from "../../../components/ui/jurisdiction-picker";
import { Page } from "../../../components/ui/page";
import { EmptyState, ErrorState, Loading } from "../../../components/ui/states";
import { useApi } from "../../../lib/api-context";
import type { ApiKey, ApiKeyList, CreatedApiKey } from "../../../lib/api-types";
import { formatDateTime, formatMoney } from "../../../lib/format";
import { INTL_LOCALE, useLocale, useMessages } from "../../../lib/i18n";
import { keysMessages } from "../messages";
import { KeyForm, type KeyFormValues } from "./key-form";
import { SecretDialog } from "./secret-dialog";

const keysQueryKey = ["keys"] as const;

type Editing = { mode: "rename" | "edit"; key: ApiKey } | null;

export function KeysPage() {
  const t = useMessages(keysMessages);
  const api = useApi();
  const queryClient = useQueryClient();
  const keys = useQuery({ queryKey: keysQueryKey, queryFn: ({ signal }) => api.listKeys({ signal }) });
  const [createOpen, setCreateOpen] = useState(false);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [editing, setEditing] = useState<Editing>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);

  const replaceKey = (key: ApiKey) =>
    queryClient.setQueryData<ApiKeyList>(keysQueryKey, (list) =>
      list ? { data: list.data.map((item) => (item.id === key.id ? { ...item, ...key } : item)) } : list,
    );

  const create = useMutation({
    mutationFn: (values: KeyFormValues) =>
      api.createKey({
        name: values.name,
        limits: values.limits,
        allowedJurisdictions: values.allowedJurisdictions,
        spendLimit: values.spendLimit,
        ...(values.expiresAt !== undefined && { expiresAt: values.expiresAt }),
        modelAliases: values.modelAliases,
      }),
    onSuccess: (key) => {
      const { secret: _secret, ...listed } = key;
      queryClient.setQueryData<ApiKeyList>(keysQueryKey, (list) => ({ data: [listed, ...(list?.data ?? [])] }));
      void queryClient.invalidateQueries({ queryKey: keysQueryKey });
      setCreateOpen(false);
      setCreated(key);
    },
  });
  const update = useMutation({
    mutationFn: ({ id, values, mode }: { id: string; values: KeyFormValues; mode: "rename" | "edit" }) =>
      api.updateKey(
        id,
        mode === "rename"
          ? { name: values.name }
          : {
              limits: values.limits,
              allowedJurisdictions: values.allowedJurisdictions,
              spendLimit: values.spendLimit,
              ...(values.expiresAt !== undefined && { expiresAt: values.expiresAt }),
              modelAliases: values.modelAliases,
            },
      ),
    onSuccess: (key) => {
      replaceKey(key);
      setEditing(null);
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => api.revokeKey(id),
    onSuccess: (key) => {
      replaceKey(key);
      setRevoking(null);
    },
  });

  return (
    <Page title={t("title")} description={t("description")}>
      <div className="toolbar">
        <button
          type="button"
          className="button-primary"
          data-testid="key-create-open"
          onClick={() => {
            create.reset();
            setCreateOpen(true);
          }}
        >
          {t("create")}
        </button>
      </div>
      {keys.isPending ? <Loading /> : null}
      {keys.isError ? <ErrorState error={keys.error} onRetry={() => void keys.refetch()} /> : null}
      {keys.data && keys.data.data.length === 0 ? (
        <EmptyState>
          <p>{t("empty")}</p>
        </EmptyState>
      ) : null}
      {keys.data && keys.data.data.length > 0 ? (
        <KeyTable
          keys={keys.data.data}
          onRename={(key) => {
            update.reset();
            setEditing({ mode: "rename", key });
          }}
          onEdit={(key) => {
            update.reset();
            setEditing({ mode: "edit", key });
          }}
          onRevoke={(key) => {
            revoke.reset();
            setRevoking(key);
          }}
        />
      ) : null}

      <Dialog
        open={createOpen}
        title={t("createTitle")}
        onClose={() => setCreateOpen(false)}
        testId="key-create-dialog"
      >
        <KeyForm
          parts={{ name: true, limits: true }}
          submitLabel={t("createSubmit")}
          submitTestId="key-create-submit"
          busy={create.isPending}
          error={create.error}
          onSubmit={(values) => create.mutate(values)}
          onCancel={() => setCreateOpen(false)}
        />
      </Dialog>
      <SecretDialog created={created} onDone={() => setCreated(null)} />
      <Dialog
        open={editing !== null}
        title={editing ? t(editing.mode === "rename" ? "renameTitle" : "editTitle", { name: editing.key.name }) : ""}
        onClose={() => setEditing(null)}
        testId="key-edit-dialog"
      >
        {editing ? (
          <KeyForm
            key={`${editing.mode}-${editing.key.id}`}
            parts={{ name: editing.mode === "rename", limits: editing.mode === "edit" }}
            initial={editing.key}
            submitLabel={t("save")}
            submitTestId="key-edit-submit"
            busy={update.isPending}
            error={update.error}
            onSubmit={(values) => update.mutate({ id: editing.key.id, values, mode: editing.mode })}
            onCancel={() => setEditing(null)}
          />
        ) : null}
      </Dialog>
      <ConfirmDialog
        open={revoking !== null}
        title={t("revokeTitle", { name: revoking?.name ?? "" })}
        confirmLabel={t("revokeConfirm")}
        danger
        busy={revoke.isPending}
        error={revoke.error ? t("saveFailed", { message: revoke.error.message }) : null}
        onConfirm={() => revoking && revoke.mutate(revoking.id)}
        onClose={() => setRevoking(null)}
      >
        <p>{t("revokeBody")}</p>
      </ConfirmDialog>
    </Page>
  );
}

interface KeyTableProps {
  keys: ApiKey[];
  onRename(key: ApiKey): void;
  onEdit(key: ApiKey): void;
  onRevoke(key: ApiKey): void;
}

function KeyTable({ keys, onRename, onEdit, onRevoke }: KeyTableProps) {
  const t = useMessages(keysMessages);
  const { locale } = useLocale();
  const jurisdictionLabel = useJurisdictionLabel();
  // lib/format: Bengali digits and a 24-hour clock on Bangla pages (no Latin "AM"/"PM").
  const dateFormat = { format: (date: Date) => formatDateTime(date, locale) };
  const numberFormat = new Intl.NumberFormat(INTL_LOCALE[locale]);
  const limit = (value: number | null) => (value === null ? t("plan") : numberFormat.format(value));
  const spend = (key: ApiKey) => {
    if (!key.spendLimit) return t("noSpendLimit");
    const amount = formatMoney(key.spendLimit.amountMicroUsd, locale);
    return key.spendLimit.period === "none"
      ? t("spendSummaryTotal", { amount })
      : t("spendSummary", { amount, period: t(`period_${key.spendLimit.period}`) });
  };
  const now = Date.now();
  const status = (key: ApiKey) => {
    if (key.revokedAt) return t("revokedOn", { date: dateFormat.format(new Date(key.revokedAt)) });
    if (!key.expiresAt) return t("active");
    const date = dateFormat.format(new Date(key.expiresAt));
    return Date.parse(key.expiresAt) <= now
      ? t("expiredOn", { date })
      : `${t("active")} · ${t("expiresOnDate", { date })}`;
  };
  return (
    <div className="table-scroll">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">{t("name")}</th>
            <th scope="col">{t("prefix")}</th>
            <th scope="col">{t("created")}</th>
            <th scope="col">{t("lastUsed")}</th>
            <th scope="col">{t("limits")}</th>
            <th scope="col">{t("spendLimit")}</th>
            <th scope="col">{t("jurisdictions")}</th>
            <th scope="col">{t("status")}</th>
            <th scope="col">{t("actions")}</th>
          </tr>
        </thead>
        <tbody>
          {keys.map((key) => {
            const { requestsPerMinute, tokensPerMinute, concurrentRequests } = key.limits;
            const planOnly = requestsPerMinute === null && tokensPerMinute === null && concurrentRequests === null;
            return (
              <tr key={key.id} data-testid="key-row" data-key-id={key.id} className={key.revokedAt ? "revoked" : ""}>
                <th scope="row">
                  {key.name}
                  {Object.keys(key.modelAliases).length > 0 ? (
                    <p className="field-hint" data-testid="key-aliases">
                      {t("aliasesSummary", {
                        list: Object.entries(key.modelAliases)
                          .map(([alias, target]) => `${alias} → ${target}`)
                          .join(", "),
                      })}
                    </p>
                  ) : null}
                </th>
                <td>
                  <code>{key.prefix}…</code>
                </td>
                <td>{dateFormat.format(new Date(key.createdAt))}</td>
                <td>{key.lastUsedAt ? dateFormat.format(new Date(key.lastUsedAt)) : t("never")}</td>
                <td>
                  {planOnly
                    ? t("planLimits")
                    : t("limitSummary", {
                        rpm: limit(requestsPerMinute),
                        tpm: limit(tokensPerMinute),
                        concurrent: limit(concurrentRequests),
                      })}
                </td>
                <td data-testid="key-spend">{spend(key)}</td>
                <td>{jurisdictionLabel(key.allowedJurisdictions, t("anywhere"))}</td>
                <td data-testid="key-status">{status(key)}</td>
                <td>
                  {key.revokedAt ? null : (
                    <div className="row-actions" role="group" aria-label={t("actionsFor", { name: key.name })}>
                      <button type="button" data-testid="key-rename" onClick={() => onRename(key)}>
                        {t("rename")}
                      </button>
                      <button type="button" data-testid="key-edit" onClick={() => onEdit(key)}>
                        {t("edit")}
                      </button>
                      <button
                        type="button"
                        className="button-danger"
                        data-testid="key-revoke"
                        onClick={() => onRevoke(key)}
                      >
                        {t("revoke")}
                      </button>
                    </div>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
