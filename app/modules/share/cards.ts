/**
 * Share cards: the Open Graph and Twitter tags a chat app reads to preview a link (title, price,
 * picture). Pure; the page's `meta` export passes its texts, the canonical URL (never a share code
 * or who invited) and the picture's absolute URL.
 */
export interface ShareCard {
  siteName: string;
  title: string;
  description: string;
  /** Absolute canonical URL of the page. */
  url: string;
  /** Absolute URL of the picture, or null when there is none. */
  image: string | null;
  imageAlt?: string;
  /** og:type: "product" for a product page, "website" otherwise. */
  type?: string;
}

export type MetaTag = { property: string; content: string } | { name: string; content: string } | { tagName: "link"; rel: string; href: string };

export function shareCardMeta(card: ShareCard): MetaTag[] {
  return [
    { tagName: "link", rel: "canonical", href: card.url },
    { property: "og:type", content: card.type ?? "website" },
    { property: "og:site_name", content: card.siteName },
    { property: "og:title", content: card.title },
    { property: "og:description", content: card.description },
    { property: "og:url", content: card.url },
    ...(card.image ? [{ property: "og:image", content: card.image }, ...(card.imageAlt ? [{ property: "og:image:alt", content: card.imageAlt }] : [])] : []),
    { name: "twitter:card", content: card.image ? "summary_large_image" : "summary" },
    { name: "twitter:title", content: card.title },
    { name: "twitter:description", content: card.description },
    ...(card.image ? [{ name: "twitter:image", content: card.image }] : []),
  ];
}

/** A path or URL made absolute on `origin` (an already absolute http(s) URL is kept). */
export function absoluteUrl(origin: string, pathOrUrl: string): string {
  if (/^https?:\/\//i.test(pathOrUrl)) return pathOrUrl;
  return `${origin.replace(/\/$/, "")}${pathOrUrl.startsWith("/") ? "" : "/"}${pathOrUrl}`;
}
