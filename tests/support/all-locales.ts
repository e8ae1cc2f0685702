// Unit tests see every language registered, as the Worker registers them at start-up.
import { registerAllLocales } from "../../app/i18n/all-locales.server";

registerAllLocales();
