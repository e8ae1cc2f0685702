/**
 * Search text for D1's FTS5 (unicode61 tokenizer), made to work for Chinese, which has no spaces.
 *
 * Indexing: every run of CJK characters becomes its single characters plus its overlapping
 * bigrams ("红颜草莓" → 红 颜 草 莓 红颜 颜草 草莓); Latin words and numbers stay words
 * (lower-cased). The unicode61 tokenizer then sees space-separated tokens.
 *
 * Querying: a CJK run of one character matches that character; longer runs match all of their
 * bigrams (so "草莓" finds 草莓 but not 草…莓 apart); Latin words match as prefixes ("straw*").
 * Every term is required (AND). Ranking is FTS5's bm25.
 */
const CJK = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{2fa1f}]/u;
const TOKEN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{2fa1f}]+|[\p{L}\p{N}]+/gu;

function cjkGrams(run: string): string[] {
  const chars = Array.from(run);
  const out = [...chars];
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
  return out;
}

export function indexTokens(text: string): string {
  const out: string[] = [];
  for (const match of text.normalize("NFKC").toLowerCase().matchAll(TOKEN)) {
    const run = match[0];
    if (CJK.test(run)) out.push(...cjkGrams(run));
    else out.push(run);
  }
  return out.join(" ");
}

/** An FTS5 MATCH expression for what a person typed, or null when nothing searchable is left. */
export function matchExpression(query: string): string | null {
  const terms: string[] = [];
  for (const match of query.normalize("NFKC").toLowerCase().slice(0, 100).matchAll(TOKEN)) {
    const run = match[0];
    if (CJK.test(run)) {
      const chars = Array.from(run);
      if (chars.length === 1) terms.push(`"${run}"`);
      else for (let i = 0; i + 1 < chars.length; i++) terms.push(`"${chars[i]}${chars[i + 1]}"`);
    } else {
      terms.push(`"${run}"*`);
    }
  }
  const unique = [...new Set(terms)].slice(0, 16);
  return unique.length ? unique.join(" AND ") : null;
}
