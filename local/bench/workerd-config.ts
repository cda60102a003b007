/**
 * The Cap'n Proto text config that serves the bundled gateway on plain `workerd serve`, as production runs it: one
 * socket straight to the worker, outbound `fetch` straight to the network (loopback allowed, since the stack is
 * local), and no Miniflare entry or outbound worker in between. A second socket serves the same-I/O floor worker
 * (io-floor-worker.js) from the same process. Binding values are read by workerd from its own environment
 * (`fromEnvironment`), so no secret is written to the config file.
 */

/** One worker of the config. */
export interface WorkerdWorker {
  /** Service and socket name. */
  name: string;
  /** The module's file name, relative to the config file. */
  moduleFile: string;
  /** Binding names; each is read from the workerd process's environment variable of the same name. */
  bindingNames: string[];
  /** Service bindings: binding name -> service (worker) name. */
  serviceBindings?: Record<string, string>;
  compatibilityFlags?: string[];
}

/** Options of {@link workerdConfig}. */
export interface WorkerdConfigOptions {
  workers: WorkerdWorker[];
  compatibilityDate: string;
}

/** Names and values the config holds unquoted-safe: identifiers, file names, dates. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

function text(value: string, pattern = /^[\w./:-]*$/): string {
  if (!pattern.test(value)) throw new Error(`workerd config: unexpected characters in ${JSON.stringify(value)}`);
  return `"${value}"`;
}

/** The capnp constant of a worker: camelCase, as capnp requires (`io-floor` → `ioFloor`). */
function constName(name: string): string {
  return name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

export function workerdConfig(options: WorkerdConfigOptions): string {
  const services = options.workers.map(
    (worker) => `    (name = ${text(worker.name, IDENTIFIER)}, worker = .${constName(worker.name)}),`,
  );
  const sockets = options.workers.map(
    (worker) =>
      `    (name = ${text(worker.name, IDENTIFIER)}, address = "127.0.0.1:0", http = (), service = ${text(worker.name, IDENTIFIER)}),`,
  );
  const workers = options.workers.map((worker) => {
    const bindings = [
      ...worker.bindingNames.map(
        (name) => `    (name = ${text(name, IDENTIFIER)}, fromEnvironment = ${text(name, IDENTIFIER)}),`,
      ),
      ...Object.entries(worker.serviceBindings ?? {}).map(
        ([name, service]) => `    (name = ${text(name, IDENTIFIER)}, service = ${text(service, IDENTIFIER)}),`,
      ),
    ].join("\n");
    const flags = (worker.compatibilityFlags ?? []).map((flag) => text(flag, IDENTIFIER)).join(", ");
    return `const ${constName(worker.name)} :Workerd.Worker = (
  modules = [(name = ${text(worker.moduleFile)}, esModule = embed ${text(worker.moduleFile)})],
  compatibilityDate = ${text(options.compatibilityDate)},
  compatibilityFlags = [${flags}],
  bindings = [
${bindings}
  ],
  globalOutbound = "network",
);`;
  });
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
${services.join("\n")}
    (name = "network", network = (allow = ["public", "local", "private"])),
  ],
  sockets = [
${sockets.join("\n")}
  ],
);

${workers.join("\n\n")}
`;
}
