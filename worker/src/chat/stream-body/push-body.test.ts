import { describe, expect, it } from "vitest";
import { createPushBody } from "./push-body.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

describe("createPushBody", () => {
  it("delivers the writes in order, then the end, each write resolving once the client took it", async () => {
    let gone = 0;
    const body = createPushBody(() => (gone += 1));
    const first = body.write(bytes("a"));
    const second = body.write(bytes("b"));
    body.close();
    expect(await new Response(body.readable).text()).toBe("ab");
    await expect(Promise.all([first, second])).resolves.toEqual([undefined, undefined]);
    expect(gone).toBe(0);
  });

  it("says the client left once, when it cancels the body, and later writes reject", async () => {
    let gone = 0;
    const body = createPushBody(() => (gone += 1));
    const pending = body.write(bytes("never read"));
    await body.readable.cancel();
    expect(gone).toBe(1);
    await expect(
      pending.then(
        () => "taken",
        () => "refused",
      ),
    ).resolves.toBe("refused");
    await expect(body.write(bytes("late"))).rejects.toThrow();
    body.close();
    expect(gone).toBe(1);
  });

  it("learns it from the request's signal too, while nothing is being written", async () => {
    let gone = 0;
    const client = new AbortController();
    createPushBody(() => (gone += 1), client.signal);
    client.abort();
    client.abort();
    expect(gone).toBe(1);
  });

  it("ignores the signal once the body was closed: the answer was complete", async () => {
    let gone = 0;
    const client = new AbortController();
    const body = createPushBody(() => (gone += 1), client.signal);
    void body.write(bytes("all"));
    body.close();
    client.abort();
    expect(await new Response(body.readable).text()).toBe("all");
    expect(gone).toBe(0);
  });
});
