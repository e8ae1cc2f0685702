import type { LoaderFunctionArgs } from "@remix-run/cloudflare";

/** Any path no other route claims: the translated 404 page (rendered by the root error boundary). */
export async function loader(_: LoaderFunctionArgs) {
  throw new Response("Not Found", { status: 404 });
}

export async function action(_: LoaderFunctionArgs) {
  throw new Response("Not Found", { status: 404 });
}

export default function NotFound() {
  return null;
}
