import * as v from "valibot";
import type { AppContext } from "~/context.server";
import { getSession, type SessionInfo } from "~/auth/session.server";
import { resolveLocale } from "~/lib/preferences.server";
import type { Role } from "~/modules/identity/roles";
import { ApiError, errorResponse, fieldsFromIssues } from "./errors";

type AnySchema = v.GenericSchema;

export interface EndpointResponseDoc {
  description: string;
  schema?: AnySchema;
}

export interface HandlerArgs<B, Q = Record<string, unknown>> {
  ctx: AppContext;
  request: Request;
  body: B;
  /** The validated query string (when the endpoint declares `query`). */
  query: Q;
  params: Record<string, string>;
  session: SessionInfo | null;
  locale: string;
}

export interface Endpoint<B extends AnySchema | undefined = AnySchema | undefined> {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** OpenAPI-style path under /api/v1, e.g. "/auth/code" or "/orders/{id}". */
  path: string;
  operationId: string;
  summary: string;
  tags: string[];
  auth: "none" | "user";
  /**
   * The role the bearer must hold (with `auth: "user"`): checked right after authentication and
   * before the body is read, so the wrong role gets 403 whatever it sends. Finer checks (whose
   * pickup point, whose order) stay in the handler.
   */
  role?: Role;
  /**
   * A payment provider's callback: authenticated by the provider's signature, answered in the
   * provider's own acknowledgement format (documented as `x-provider-callback` in OpenAPI).
   */
  providerCallback?: true;
  body?: B;
  /** A valibot object schema for the query string; every value arrives as a string. */
  query?: v.ObjectSchema<v.ObjectEntries, v.ErrorMessage<v.ObjectIssue> | undefined>;
  responses: Record<number, EndpointResponseDoc>;
  handler: (args: HandlerArgs<B extends AnySchema ? v.InferOutput<B> : undefined>) => Promise<Response>;
}

export function defineEndpoint<B extends AnySchema | undefined>(e: Endpoint<B>): Endpoint<B> {
  return e;
}

function compile(path: string): RegExp {
  return new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{(\w+)\}/g, "(?<$1>[^/]+)")}$`);
}

const MAX_BODY_BYTES = 64 * 1024;

/** Reads and discards what is left of a refused body (up to a cap), so the client is not reset mid-upload. */
async function drain(reader: ReadableStreamDefaultReader<Uint8Array>, cap = 2 * 1024 * 1024): Promise<void> {
  let seen = 0;
  while (seen <= cap) {
    const { done, value } = await reader.read();
    if (done) return;
    seen += value.byteLength;
  }
  await reader.cancel();
}

async function readJson(request: Request): Promise<unknown> {
  const type = request.headers.get("Content-Type") ?? "";
  const reader = request.body?.getReader();
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
    if (reader) await drain(reader);
    throw new ApiError(415, "unsupported_media_type");
  }
  // Count bytes, not characters; past the limit, refuse (after draining a bounded remainder).
  const declared = Number(request.headers.get("Content-Length") ?? "0");
  if (declared > MAX_BODY_BYTES) {
    if (reader) await drain(reader);
    throw new ApiError(413, "payload_too_large");
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await drain(reader);
      throw new ApiError(413, "payload_too_large");
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.byteLength;
  }
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    throw new ApiError(400, "invalid_json");
  }
}

/** Routes one /api/v1 request: match → auth → role → validate → handler; every failure is a JSON error. */
export async function dispatch(endpoints: readonly Endpoint[], ctx: AppContext, request: Request, subpath: string): Promise<Response> {
  const locale = resolveLocale(request);
  try {
    const path = `/${subpath}`.replace(/\/+$/, "") || "/";
    const matches = endpoints
      .map((e) => ({ e, m: compile(e.path).exec(path) }))
      .filter((x): x is { e: Endpoint; m: RegExpExecArray } => x.m !== null);
    if (matches.length === 0) throw new ApiError(404, "not_found");
    const method = request.method === "HEAD" ? "GET" : request.method;
    const hit = matches.find((x) => x.e.method === method);
    if (!hit) {
      throw new ApiError(405, "method_not_allowed", undefined, { Allow: [...new Set(matches.map((x) => x.e.method))].join(", ") });
    }
    const { e, m } = hit;
    const session = await getSession(ctx, request);
    if (e.auth === "user" && !session) {
      throw new ApiError(401, "unauthorized", undefined, { "WWW-Authenticate": 'Bearer realm="api"' });
    }
    if (e.role && !session?.user.roles.includes(e.role)) throw new ApiError(403, "forbidden");
    let body: unknown = undefined;
    if (e.body) {
      const json = await readJson(request);
      // Every body is a JSON object; say so plainly rather than listing each missing key.
      if (json === null || typeof json !== "object" || Array.isArray(json)) {
        throw new ApiError(400, "validation_failed", { body: ["invalid_type"] });
      }
      const parsed = v.safeParse(e.body, json);
      if (!parsed.success) throw new ApiError(400, "validation_failed", fieldsFromIssues(parsed.issues));
      body = parsed.output;
    }
    let query: Record<string, unknown> = {};
    if (e.query) {
      const raw = Object.fromEntries(new URL(request.url).searchParams);
      const parsed = v.safeParse(e.query, raw);
      if (!parsed.success) throw new ApiError(400, "validation_failed", fieldsFromIssues(parsed.issues));
      query = parsed.output as Record<string, unknown>;
    }
    const response = await e.handler({ ctx, request, body: body as never, query, params: { ...m.groups }, session, locale });
    if (!response.headers.has("Cache-Control")) response.headers.set("Cache-Control", "no-store");
    return response;
  } catch (error) {
    if (error instanceof ApiError) return errorResponse(error, locale);
    console.error(error);
    return errorResponse(new ApiError(500, "internal"), locale);
  }
}
