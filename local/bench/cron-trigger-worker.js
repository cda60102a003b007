// Runs the gateway's `scheduled` handler on plain workerd, which has no HTTP route for cron triggers:
// `POST /?cron=<expression>` calls it through a service binding and answers with its outcome once the handler and
// its waitUntil work are done. Loopback only, for the soak and fault tests.
export default {
  async fetch(request, env) {
    const cron = new URL(request.url).searchParams.get("cron") ?? "* * * * *";
    const result = await env.GATEWAY.scheduled({ cron, scheduledTime: new Date() });
    return Response.json(result);
  },
};
