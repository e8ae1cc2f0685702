/** zh-CN: the admin console's own part (registered by the admin layout only, so the leader and merchant apps never carry it). */
import adminUsers from "./zh-CN.admin-users";
import adminSettings from "./zh-CN.admin-settings";
import adminAnalytics from "./zh-CN.admin-analytics";
import adminAudit from "./zh-CN.admin-audit";
import adminFinance from "./zh-CN.admin-finance";
import adminCoupons from "./zh-CN.admin-coupons";

const zhCNAdmin = {
  ...adminUsers,
  ...adminSettings,
  ...adminAnalytics,
  ...adminAudit,
  ...adminFinance,
  ...adminCoupons,
};

export default zhCNAdmin;
