-- Stock can never go below zero: an order's stock decrements run in the same db.batch as the
-- order rows, and this trigger aborts the whole batch when any SKU would be oversold.
CREATE TRIGGER skus_stock_never_negative BEFORE UPDATE OF stock ON skus
WHEN NEW.stock < 0
BEGIN
  SELECT RAISE(ABORT, 'insufficient_stock');
END;
--> statement-breakpoint
-- A coupon backs at most one live order (a cancelled order releases it).
CREATE UNIQUE INDEX orders_live_coupon_uq ON orders (user_coupon_id) WHERE user_coupon_id IS NOT NULL AND status NOT IN ('cancelled');
--> statement-breakpoint
-- Order events are the timeline: append-only.
CREATE TRIGGER order_events_no_update BEFORE UPDATE ON order_events
BEGIN
  SELECT RAISE(ABORT, 'order_events is append-only');
END;
--> statement-breakpoint
-- Every status change is an event whose from_status must be the timeline's latest to_status:
-- an optimistic lock that makes a stale or repeated transition (two cancels, pay after expiry)
-- abort its whole batch, so its side effects (stock, coupons, refunds) never happen twice.
CREATE TRIGGER order_events_follow_timeline BEFORE INSERT ON order_events
WHEN NEW.from_status IS NOT (SELECT e.to_status FROM order_events e WHERE e.order_id = NEW.order_id ORDER BY e.rowid DESC LIMIT 1)
BEGIN
  SELECT RAISE(ABORT, 'order_state_conflict');
END;
