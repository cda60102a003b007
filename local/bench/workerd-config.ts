/**
 * The Cap'n Proto text config that serves the bundled gateway on plain `workerd serve`, as production runs it: one
 * socket straight to the worker, outbound `fetch` straight to the network (loopback allowed, since the stack is
 * local), and no Miniflare entry or outbound worker in between. Binding values are read by workerd from its own
 * environment (`fromEnvironment`), so no secret is written to the config file.
 */

/** Options of {@link workerdConfig}. */
export interface WorkerdConfigOptions {
  /** The bundle's file name, relative to the config file. */
  moduleFile: string;
  compatibilityDate: string;
  /** Binding names; each is read from the workerd process's environment variable of the same name. */
  bindingNames: string[];
  /** e.g. `127.0.0.1:0`; the benchmark overrides it with `--socket-addr`. */
  address: string;
}

/** Names a capnp text literal can hold without escaping: binding names are identifiers. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function text(value: string): string {
  if (!/^[\w./:-]*$/.test(value)) throw new Error("workerd config: unexpected characters in a config value");
  return `"${value}"`;
}

export function workerdConfig(options: WorkerdConfigOptions): string {
  for (const name of options.bindingNames) {
    if (!IDENTIFIER.test(name)) throw new Error(`workerd config: binding name ${JSON.stringify(name)} is not an identifier`);
  }
  const bindings = options.bindingNames.map((name) => `    (name = ${text(name)}, fromEnvironment = ${text(name)}),`).join("\n");
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "gateway", worker = .gateway),
    (name = "network", network = (allow = ["public", "local", "private"])),
  ],
  sockets = [(name = "http", address = ${text(options.address)}, http = (), service = "gateway")],
);

const gateway :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed ${text(options.moduleFile)})],
  compatibilityDate = ${text(options.compatibilityDate)},
  bindings = [
${bindings}
  ],
  globalOutbound = "network",
);
`;
}
