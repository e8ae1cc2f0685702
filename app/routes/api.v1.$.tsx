import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/cloudflare";
import { endpoints } from "~/api/endpoints.server";
import { buildOpenApi } from "~/api/openapi.server";
import { dispatch } from "~/api/router.server";

/** Every /api/v1 request goes through the endpoint registry (which also generates the OpenAPI document). */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const subpath = params["*"] ?? "";
  if (subpath === "openapi.json") {
    const url = new URL(request.url);
    return Response.json(buildOpenApi(endpoints, `${url.origin}/api/v1`), {
      headers: { "Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*" },
    });
  }
  return dispatch(endpoints, context, request, subpath);
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  return dispatch(endpoints, context, request, params["*"] ?? "");
}
