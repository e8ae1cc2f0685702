/** en: the admin console's own part (registered by the admin layout only, so the leader and merchant apps never carry it). */
import adminUsers from "./en.admin-users";
import adminSettings from "./en.admin-settings";
import adminAnalytics from "./en.admin-analytics";
import adminAudit from "./en.admin-audit";
import adminFinance from "./en.admin-finance";
import adminCoupons from "./en.admin-coupons";

const enAdmin = {
  ...adminUsers,
  ...adminSettings,
  ...adminAnalytics,
  ...adminAudit,
  ...adminFinance,
  ...adminCoupons,
};

export default enAdmin;
