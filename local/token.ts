/**
 * `npm run token`: prints a fresh dashboard session token for the seeded local user (`local_dev_user`) while
 * `npm run dev` runs, by calling the gateway's dev-only `POST /api/dev/sign-in`. The token alone goes to stdout, so
 *   curl -H "Authorization: Bearer $(npm run -s token)" http://127.0.0.1:8787/api/account
 * works; its expiry goes to stderr. `OMNIZEN_GATEWAY_PORT` picks the gateway as for `npm run dev`.
 */
const port = Number(process.env.OMNIZEN_GATEWAY_PORT ?? 8787);
const url = `http://127.0.0.1:${port}/api/dev/sign-in`;

async function main(): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, { method: "POST" });
  } catch {
    console.error(`[token] nothing answers on 127.0.0.1:${port}; start the stack with \`npm run dev\` first.`);
    process.exit(1);
  }
  const body = (await response.json().catch(() => null)) as {
    token?: string;
    expiresAt?: string;
    error?: { message?: string };
  } | null;
  if (!response.ok || !body?.token) {
    const reason =
      response.status === 404
        ? "the gateway has no local sign-in (a real Clerk instance is configured, or it is not a development build)"
        : (body?.error?.message ?? `HTTP ${response.status}`);
    console.error(`[token] could not get a token: ${reason}`);
    process.exit(1);
  }
  console.log(body.token);
  console.error(`[token] session token for local_dev_user, valid until ${body.expiresAt ?? "soon"}`);
}

void main();
