ALTER TABLE `products` ADD `member_exclusive` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `order_lines` ADD `platform_funded_fen` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Platform-funded discounts of orders not settled yet, from the breakdown each order stored (settled
-- orders keep the ledger they settled with).
UPDATE order_lines SET platform_funded_fen = coalesce((SELECT json_extract(l.value, '$.platformFundedFen') FROM orders o, json_each(o.pricing, '$.lines') l
  WHERE o.id = order_lines.order_id AND o.settled_at IS NULL AND json_extract(l.value, '$.skuId') = order_lines.sku_id LIMIT 1), 0);
--> statement-breakpoint
-- Points spent at checkout can never take a balance below zero, however many checkouts race:
-- the spend entry is written in the order's batch, and this aborts the whole batch.
CREATE TRIGGER points_entries_spend_covered BEFORE INSERT ON points_entries
WHEN NEW.kind = 'spend' AND (SELECT coalesce(sum(points), 0) FROM points_entries WHERE user_id = NEW.user_id) + NEW.points < 0
BEGIN
  SELECT RAISE(ABORT, 'points_insufficient');
END;
