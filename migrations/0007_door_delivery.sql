ALTER TABLE `pickup_points` ADD `door_delivery` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `orders` ADD `fulfilment` text DEFAULT 'pickup' NOT NULL;--> statement-breakpoint
ALTER TABLE `orders` ADD `delivery_recipient` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `delivery_phone_enc` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `delivery_address_enc` text;--> statement-breakpoint
-- An order is collected ('pickup') or delivered by the leader ('door'); a door order always
-- carries its address snapshot (recipient, phone, address), a pickup order never does.
CREATE TRIGGER orders_fulfilment_valid_insert BEFORE INSERT ON orders
WHEN NEW.fulfilment NOT IN ('pickup', 'door')
  OR (NEW.fulfilment = 'door' AND (NEW.delivery_recipient IS NULL OR NEW.delivery_phone_enc IS NULL OR NEW.delivery_address_enc IS NULL))
  OR (NEW.fulfilment = 'pickup' AND (NEW.delivery_recipient IS NOT NULL OR NEW.delivery_phone_enc IS NOT NULL OR NEW.delivery_address_enc IS NOT NULL))
BEGIN
  SELECT RAISE(ABORT, 'order_fulfilment_invalid');
END;
--> statement-breakpoint
CREATE TRIGGER orders_fulfilment_valid_update BEFORE UPDATE OF fulfilment, delivery_recipient, delivery_phone_enc, delivery_address_enc ON orders
WHEN NEW.fulfilment NOT IN ('pickup', 'door')
  OR (NEW.fulfilment = 'door' AND (NEW.delivery_recipient IS NULL OR NEW.delivery_phone_enc IS NULL OR NEW.delivery_address_enc IS NULL))
  OR (NEW.fulfilment = 'pickup' AND (NEW.delivery_recipient IS NOT NULL OR NEW.delivery_phone_enc IS NOT NULL OR NEW.delivery_address_enc IS NOT NULL))
BEGIN
  SELECT RAISE(ABORT, 'order_fulfilment_invalid');
END;
--> statement-breakpoint
-- Local demo databases seeded before this migration: the seed never overwrites existing rows, so
-- switch door delivery on here for the demo points that offer it (app/modules/demo/world.ts).
-- Matches nothing outside the demo world.
UPDATE pickup_points SET door_delivery = 1 WHERE id IN ('pkp_demosunshine00000000', 'pkp_demohappylane0000000');
