// The few members of the `ws` package (a dependency of miniflare) that tests/bench/profile.ts uses.
declare module "ws" {
  export default class WebSocket {
    constructor(url: string);
    once(event: "open" | "error", listener: (arg?: unknown) => void): this;
    on(event: "message", listener: (data: Buffer | string) => void): this;
    send(data: string): void;
    close(): void;
  }
}
