/// <reference types="@remix-run/dev" />
/// <reference types="@remix-run/cloudflare" />

declare module "@remix-run/cloudflare" {
  interface Future {
    v3_singleFetch: true;
  }
}

declare module "@remix-run/dev/server-build" {
  import type { ServerBuild } from "@remix-run/cloudflare";
  const build: ServerBuild;
  export = build;
}

export {};
