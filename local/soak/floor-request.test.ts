import { describe, expect, it } from "vitest";
import { mixedRequest } from "../load/request-mix.ts";
import { floorRequest } from "./floor-request.ts";

describe("floorRequest", () => {
  it("sends the gateway mix's prompt and streaming choice to the floor worker, in DeepSeek's shape and without a key", () => {
    for (const index of [0, 1, 7, 10]) {
      const floor = floorRequest("http://127.0.0.1:9000", "tag", index);
      const gateway = mixedRequest("http://127.0.0.1:9001", "key", "tag", index);
      const body = JSON.parse(String(floor.body)) as {
        model: string;
        stream: boolean;
        messages: Array<{ content: string }>;
        stream_options?: unknown;
      };
      const gatewayBody = JSON.parse(String(gateway.prepared.body)) as { messages: Array<{ content: string }> };
      expect(floor.url.href).toBe("http://127.0.0.1:9000/");
      expect(floor.headers).toEqual({});
      expect(body.model).toBe("deepseek-flash");
      expect(body.stream).toBe(gateway.stream);
      expect(body.stream_options !== undefined).toBe(gateway.stream);
      expect(body.messages[0]?.content).toBe(gatewayBody.messages[0]?.content);
    }
  });
});
