/**
 * A module imported on first use (docs/cold-start.md): `loaded` is the module once its import has settled, so a
 * caller that finds it there goes on synchronously, and only the first use waits for the import. A failed import is
 * not kept: the next `load()` tries again.
 */
export interface LazyModule<Module> {
  /** The module, once imported; undefined before. */
  readonly loaded: Module | undefined;
  /** Imports the module once per isolate (concurrent callers share the import). */
  load(): Promise<Module>;
}

export function lazyModule<Module>(importer: () => Promise<Module>): LazyModule<Module> {
  let loaded: Module | undefined;
  let loading: Promise<Module> | undefined;
  return {
    get loaded() {
      return loaded;
    },
    load() {
      if (loaded) return Promise.resolve(loaded);
      loading ??= importer().then(
        (module) => (loaded = module),
        (error: unknown) => {
          loading = undefined;
          throw error;
        },
      );
      return loading;
    },
  };
}
