-- Full-text search over products (Chinese and English). Text is pre-tokenised by the app
-- (app/modules/catalog/search-tokens.ts: CJK characters + bigrams, Latin words), so the plain
-- unicode61 tokenizer works for Chinese without spaces. Rows are kept in step with products by
-- the catalogue module in the same batch as each product write.
CREATE VIRTUAL TABLE product_search USING fts5(
  product_id UNINDEXED,
  title,
  body,
  tokenize = 'unicode61 remove_diacritics 2'
);
