import type { Endpoint } from "./router.server";

export const pushEndpoints: Endpoint[] = [];
