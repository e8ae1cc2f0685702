import type { Endpoint } from "./router.server";

export const leaderEndpoints: Endpoint[] = [];
