/** Just the part of dynalite (CommonJS, untyped) that the local stack uses. */
declare module 'dynalite' {
  import type { Server } from 'node:http';

  namespace dynalite {
    interface Options {
      /** LevelDB directory; in memory when absent. */
      path?: string;
      /** How long a new table stays CREATING (dynalite's default: 500 ms). */
      createTableMs?: number;
      deleteTableMs?: number;
      updateTableMs?: number;
      maxItemSizeKb?: number;
      verbose?: boolean;
      debug?: boolean;
    }
  }

  function dynalite(options?: dynalite.Options): Server;
  export = dynalite;
}
