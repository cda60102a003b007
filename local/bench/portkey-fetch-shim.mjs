/** Loaded into Portkey's node server (streams-phase.ts): its upstream responses get mutable headers. */
const original = globalThis.fetch;
globalThis.fetch = async (...args) => {
  const response = await original(...args);
  return new Response(response.body, response);
};
