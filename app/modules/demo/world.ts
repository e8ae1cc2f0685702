/**
 * The demo world (SPEC §10): fixed ids and phone numbers so seeding is idempotent and the README
 * can list the accounts. Flash sales, group deals, coupons and membership levels join this file
 * with the issues that add their tables.
 */
import type { AdminRole } from "../identity/roles";

export const DEMO_PASSWORD = "demo-pass-2026";

export interface DemoUser {
  id: string;
  name: string;
  phone: string;
  email?: string;
  roles: Array<"shopper" | "leader" | "merchant" | "admin">;
  /** Admin sub-roles (only with the `admin` role). */
  adminRoles?: AdminRole[];
}

const pad = (n: number) => String(n).padStart(2, "0");

export const DEMO_ADMIN: DemoUser = {
  id: "usr_demoadmin00000000000",
  name: "平台管理员",
  phone: "13800000000",
  email: "admin@demo.tuangou.test",
  roles: ["shopper", "admin"],
  adminRoles: ["super_admin"],
};

/** One admin per editable sub-role, to try the permission matrix (docs/decisions/014-admin-permissions.md). */
export const DEMO_SUB_ADMINS: DemoUser[] = [
  { id: "usr_demoreviewer00000000", name: "审核专员", phone: "13800000001", email: "reviewer@demo.tuangou.test", roles: ["shopper", "admin"], adminRoles: ["reviewer"] },
  { id: "usr_demofinance000000000", name: "财务小周", phone: "13800000002", email: "finance@demo.tuangou.test", roles: ["shopper", "admin"], adminRoles: ["finance"] },
  { id: "usr_demooperations000000", name: "运营小李", phone: "13800000003", email: "ops@demo.tuangou.test", roles: ["shopper", "admin"], adminRoles: ["operations"] },
];

export const DEMO_MERCHANT_OWNERS: DemoUser[] = [
  { id: "usr_demomerchant01000000", name: "李鲜果", phone: "13800000011", email: "fruit@demo.tuangou.test", roles: ["shopper", "merchant"] },
  { id: "usr_demomerchant02000000", name: "王宝宝", phone: "13800000012", email: "baby@demo.tuangou.test", roles: ["shopper", "merchant"] },
];

export const DEMO_LEADERS: DemoUser[] = [
  { id: "usr_demoleader0100000000", name: "张团长", phone: "13800000021", email: "leader1@demo.tuangou.test", roles: ["shopper", "leader"] },
  { id: "usr_demoleader0200000000", name: "刘团长", phone: "13800000022", email: "leader2@demo.tuangou.test", roles: ["shopper", "leader"] },
  { id: "usr_demoleader0300000000", name: "陈团长", phone: "13800000023", email: "leader3@demo.tuangou.test", roles: ["shopper", "leader"] },
];

const SHOPPER_NAMES = ["小美", "阿强", "周阿姨", "吴先生", "郑妈妈", "孙老师", "马大爷", "林小姐", "何师傅", "高同学", "罗奶奶", "梁爸爸"];

export const DEMO_SHOPPERS: DemoUser[] = SHOPPER_NAMES.map((name, i) => ({
  id: `usr_demoshopper${pad(i + 1)}`.padEnd(24, "0"),
  name,
  phone: `138000001${pad(i + 1)}`,
  email: i === 0 ? "shopper1@demo.tuangou.test" : undefined,
  roles: ["shopper"],
}));

export const DEMO_MERCHANTS = [
  {
    id: "mch_demofruit00000000000",
    name: "鲜果坊",
    companyName: "上海鲜果坊农产品有限公司",
    licenceNo: "91310000MA1FL0001X",
    contactName: "李鲜果",
    contactPhone: "13800000011",
    description: "产地直采的时令水果和蔬菜，每天凌晨分拣，早上送到自提点。",
    ownerId: DEMO_MERCHANT_OWNERS[0]!.id,
  },
  {
    id: "mch_demobaby000000000000",
    name: "宝宝优选",
    companyName: "上海宝宝优选商贸有限公司",
    licenceNo: "91310000MA1FL0002Y",
    contactName: "王宝宝",
    contactPhone: "13800000012",
    description: "母婴用品、儿童零食和家庭日用，正品保障。",
    ownerId: DEMO_MERCHANT_OWNERS[1]!.id,
  },
] as const;

export const DEMO_PICKUP_POINTS = [
  {
    id: "pkp_demosunshine00000000",
    inviteCode: "SUNNY888",
    leaderId: DEMO_LEADERS[0]!.id,
    name: "阳光花园便利店",
    area: "浦东新区 · 阳光花园",
    address: "上海市浦东新区锦绣路 1888 弄 12 号楼底商",
    contactPhone: "13800000021",
    lat: 31.2102,
    lng: 121.5531,
    hours: { open: "08:00", close: "21:00" },
    doorDelivery: true,
  },
  {
    id: "pkp_demolakeside00000000",
    inviteCode: "LAKE2026",
    leaderId: DEMO_LEADERS[1]!.id,
    name: "翠湖小区驿站",
    area: "徐汇区 · 翠湖小区",
    address: "上海市徐汇区龙华中路 600 号翠湖小区 3 号门",
    contactPhone: "13800000022",
    lat: 31.1885,
    lng: 121.4516,
    hours: { open: "07:30", close: "20:30" },
    doorDelivery: false,
  },
  {
    id: "pkp_demohappylane0000000",
    inviteCode: "HAPPY999",
    leaderId: DEMO_LEADERS[2]!.id,
    name: "幸福里社区团购点",
    area: "静安区 · 幸福里",
    address: "上海市静安区延平路 99 弄 5 号",
    contactPhone: "13800000023",
    lat: 31.2306,
    lng: 121.4465,
    hours: { open: "09:00", close: "22:00" },
    doorDelivery: true,
  },
] as const;

export const DEMO_CATEGORIES = [
  { id: "cat_demofresh00000000000", slug: "fresh", nameZh: "生鲜果蔬", nameEn: "Fresh produce", sort: 1 },
  { id: "cat_demogrocery000000000", slug: "grocery", nameZh: "粮油副食", nameEn: "Groceries", sort: 2 },
  { id: "cat_demobaby000000000000", slug: "baby", nameZh: "母婴童品", nameEn: "Baby & kids", sort: 3 },
  { id: "cat_demohousehold0000000", slug: "household", nameZh: "日用百货", nameEn: "Household", sort: 4 },
  { id: "cat_demomeals00000000000", slug: "meals", nameZh: "速食快餐", nameEn: "Ready meals", sort: 5 },
] as const;

type Sku = { specZh: string; specEn: string; priceFen: number; stock: number };
export interface DemoProduct {
  id: string;
  merchant: 0 | 1;
  category: (typeof DEMO_CATEGORIES)[number]["slug"];
  titleZh: string;
  titleEn: string;
  unit: string;
  sold: number;
  colour: string;
  skus: Sku[];
  /** The first SKU's price for most of the last 30 days (a true "original" price), if any. */
  wasPriceFen?: number;
}

export const DEMO_PRODUCTS: DemoProduct[] = [
  { id: "prd_demostrawberry000000", merchant: 0, category: "fresh", titleZh: "丹东 99 红颜草莓", titleEn: "Dandong Hongyan strawberries", unit: "盒", sold: 1234, colour: "#e11d48", wasPriceFen: 4990, skus: [{ specZh: "约 500g", specEn: "about 500 g", priceFen: 3990, stock: 200 }, { specZh: "约 1kg 礼盒", specEn: "about 1 kg gift box", priceFen: 6990, stock: 80 }] },
  { id: "prd_demoeggs000000000000", merchant: 0, category: "fresh", titleZh: "农家散养土鸡蛋 30 枚", titleEn: "Free-range eggs, 30", unit: "盒", sold: 3560, colour: "#f59e0b", skus: [{ specZh: "30 枚装", specEn: "30 eggs", priceFen: 2980, stock: 500 }] },
  { id: "prd_demotomato0000000000", merchant: 0, category: "fresh", titleZh: "普罗旺斯西红柿", titleEn: "Provence tomatoes", unit: "份", sold: 890, colour: "#dc2626", skus: [{ specZh: "约 1.5kg", specEn: "about 1.5 kg", priceFen: 1590, stock: 300 }] },
  { id: "prd_demogreens0000000000", merchant: 0, category: "fresh", titleZh: "上海青 新鲜现摘", titleEn: "Shanghai bok choy, freshly picked", unit: "份", sold: 2011, colour: "#16a34a", skus: [{ specZh: "约 500g", specEn: "about 500 g", priceFen: 390, stock: 600 }] },
  { id: "prd_demoapple00000000000", merchant: 0, category: "fresh", titleZh: "烟台红富士苹果", titleEn: "Yantai Fuji apples", unit: "箱", sold: 760, colour: "#b91c1c", skus: [{ specZh: "5 斤装", specEn: "2.5 kg box", priceFen: 2990, stock: 150 }, { specZh: "10 斤装", specEn: "5 kg box", priceFen: 5490, stock: 60 }] },
  { id: "prd_demopork000000000000", merchant: 0, category: "fresh", titleZh: "黑猪前腿肉", titleEn: "Black pork shoulder", unit: "份", sold: 432, colour: "#be123c", skus: [{ specZh: "500g", specEn: "500 g", priceFen: 3290, stock: 0 }] },
  { id: "prd_demorice000000000000", merchant: 1, category: "grocery", titleZh: "五常稻花香大米", titleEn: "Wuchang fragrant rice", unit: "袋", sold: 1580, colour: "#ca8a04", wasPriceFen: 7990, skus: [{ specZh: "5kg", specEn: "5 kg", priceFen: 6990, stock: 120 }] },
  { id: "prd_demooil0000000000000", merchant: 1, category: "grocery", titleZh: "压榨花生油", titleEn: "Pressed peanut oil", unit: "桶", sold: 640, colour: "#eab308", skus: [{ specZh: "5L", specEn: "5 L", priceFen: 8990, stock: 90 }] },
  { id: "prd_demonoodles000000000", merchant: 1, category: "grocery", titleZh: "手工龙须挂面", titleEn: "Hand-made thin noodles", unit: "袋", sold: 980, colour: "#d97706", skus: [{ specZh: "1kg", specEn: "1 kg", priceFen: 1290, stock: 400 }] },
  { id: "prd_demodiapers000000000", merchant: 1, category: "baby", titleZh: "婴儿纸尿裤 L 码", titleEn: "Baby diapers, size L", unit: "包", sold: 2200, colour: "#0ea5e9", wasPriceFen: 9900, skus: [{ specZh: "L 码 54 片", specEn: "Size L, 54", priceFen: 8900, stock: 150 }, { specZh: "XL 码 46 片", specEn: "Size XL, 46", priceFen: 8900, stock: 120 }] },
  { id: "prd_demopuffs00000000000", merchant: 1, category: "baby", titleZh: "宝宝米饼 无添加糖", titleEn: "Baby rice puffs, no added sugar", unit: "盒", sold: 1320, colour: "#f472b6", skus: [{ specZh: "50g × 3", specEn: "3 × 50 g", priceFen: 3590, stock: 260 }] },
  { id: "prd_demowipes00000000000", merchant: 1, category: "baby", titleZh: "婴儿手口湿巾", titleEn: "Baby hand & mouth wipes", unit: "包", sold: 1730, colour: "#38bdf8", skus: [{ specZh: "80 抽 × 6 包", specEn: "6 × 80 wipes", priceFen: 3990, stock: 300 }] },
  { id: "prd_demotissue0000000000", merchant: 1, category: "household", titleZh: "原木抽纸 24 包", titleEn: "Facial tissues, 24 packs", unit: "箱", sold: 4100, colour: "#64748b", skus: [{ specZh: "24 包整箱", specEn: "Box of 24", priceFen: 4590, stock: 500 }] },
  { id: "prd_demodetergent0000000", merchant: 1, category: "household", titleZh: "洗衣液 薰衣草香", titleEn: "Laundry liquid, lavender", unit: "瓶", sold: 870, colour: "#8b5cf6", skus: [{ specZh: "3kg", specEn: "3 kg", priceFen: 3990, stock: 200 }] },
  { id: "prd_demodumplings0000000", merchant: 0, category: "meals", titleZh: "荠菜猪肉水饺", titleEn: "Pork & shepherd's purse dumplings", unit: "袋", sold: 1900, colour: "#10b981", skus: [{ specZh: "1kg 约 50 只", specEn: "1 kg, about 50", priceFen: 2590, stock: 250 }] },
  { id: "prd_demobeefnoodle000000", merchant: 1, category: "meals", titleZh: "红烧牛肉面 速食装", titleEn: "Braised beef noodles, instant", unit: "盒", sold: 650, colour: "#ea580c", skus: [{ specZh: "4 盒装", specEn: "4 bowls", priceFen: 3280, stock: 180 }] },
];

/** Platform settings the later issues read (times Asia/Shanghai, rates in basis points, money in fen). */
export const DEMO_SETTINGS: Record<string, unknown> = {
  "order.cutoff_time": "21:00",
  "order.unpaid_timeout_minutes": 30,
  "order.after_sales_window_days": 7,
  "order.uncollected_after_days": 3,
  "order.uncollected_refund_bp": 10000,
  "withdrawal.min_fen": 1000,
  "withdrawal.frozen_days": 1,
  "fee.platform_rate_bp": 500,
  "commission.leader_rate_bp": 1000,
};

/** A product picture drawn as SVG (offline demo: no photos to download). */
export function productSvg(p: DemoProduct): string {
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 480 480" width="480" height="480">
<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#ffffff"/><stop offset="1" stop-color="${p.colour}" stop-opacity="0.35"/></linearGradient></defs>
<rect width="480" height="480" fill="url(#g)"/>
<circle cx="240" cy="200" r="120" fill="${p.colour}" opacity="0.9"/>
<circle cx="200" cy="160" r="28" fill="#ffffff" opacity="0.45"/>
<text x="240" y="400" font-family="PingFang SC, Microsoft YaHei, Noto Sans CJK SC, sans-serif" font-size="36" font-weight="700" text-anchor="middle" fill="#1f2937">${esc(p.titleZh.slice(0, 10))}</text>
</svg>`;
}

/** SPEC §10: coupons and a spend-and-save promotion, valid for a year from seeding. */
export const DEMO_FULL_REDUCTION = {
  id: "frd_demospendsave000000",
  nameZh: "全场满减",
  nameEn: "Spend and save",
  tiers: [
    { thresholdFen: 10_000, reductionFen: 2_000 },
    { thresholdFen: 20_000, reductionFen: 5_000 },
  ],
};

export const DEMO_COUPON_TEMPLATES = [
  { id: "cpt_demofive000000000000", nameZh: "无门槛 5 元券", nameEn: "¥5 off, no minimum", funding: "platform", merchantId: null, kind: "fixed", amountFen: 500, thresholdFen: null, discountBp: null, maxDiscountFen: null },
  { id: "cpt_demofifty00000000000", nameZh: "满 50 减 10", nameEn: "¥10 off ¥50", funding: "platform", merchantId: null, kind: "threshold", amountFen: 1_000, thresholdFen: 5_000, discountBp: null, maxDiscountFen: null },
  { id: "cpt_demoninety0000000000", nameZh: "9 折券（最高减 20 元）", nameEn: "10% off (up to ¥20)", funding: "platform", merchantId: null, kind: "percentage", amountFen: null, thresholdFen: null, discountBp: 1_000, maxDiscountFen: 2_000 },
  { id: "cpt_demofruit00000000000", nameZh: "鲜果坊满 80 减 15", nameEn: "Fresh Fruit: ¥15 off ¥80", funding: "merchant", merchantId: "mch_demofruit00000000000", kind: "threshold", amountFen: 1_500, thresholdFen: 8_000, discountBp: null, maxDiscountFen: null },
] as const;

/**
 * The claim centre's demo coupons (issue 10 part 3): nobody holds them at first. The templates
 * above were handed out to every demo account, so they are issued-only (not in the claim centre).
 */
export const DEMO_CLAIMABLE_TEMPLATES = [
  { id: "cpt_demolimited100000000", nameZh: "限量 100 张 · 满 30 减 8", nameEn: "Only 100: ¥8 off ¥30", funding: "platform", merchantId: null, kind: "threshold", amountFen: 800, thresholdFen: 3_000, discountBp: null, maxDiscountFen: null, categoryIds: null, totalLimit: 100, perUserLimit: 1, validDays: 7 },
  { id: "cpt_demofreshpct00000000", nameZh: "生鲜 95 折（最高减 10 元）", nameEn: "Fresh produce 5% off (up to ¥10)", funding: "platform", merchantId: null, kind: "percentage", amountFen: null, thresholdFen: null, discountBp: 500, maxDiscountFen: 1_000, categoryIds: JSON.stringify(["cat_demofresh00000000000"]), totalLimit: null, perUserLimit: 2, validDays: 14 },
  { id: "cpt_demobabyclaim0000000", nameZh: "宝宝优选满 100 减 12", nameEn: "Baby Select: ¥12 off ¥100", funding: "merchant", merchantId: "mch_demobaby000000000000", kind: "threshold", amountFen: 1_200, thresholdFen: 10_000, discountBp: null, maxDiscountFen: null, categoryIds: null, totalLimit: 500, perUserLimit: 1, validDays: 30 },
] as const;

// ---------------------------------------------------------------------------------------------
// Past orders (issue #5, leader commission). Self-contained block: its own ids (`ord_demopast…`,
// `oli_`/`oev_`/`pay_demopast…`), its own shoppers (2, 6, 9 and 10, whom no browser journey uses).

/**
 * A few orders of the last three weeks at each demo pickup point, already collected: most are
 * completed (past the 7-day after-sales window, so their commission is settled), the latest are
 * picked up and still in the window (pending). They give a leader's Commission page figures on
 * first start. Prices are the catalogue's (each order under ¥100, placed before today's
 * promotions began), commission 10% as in DEMO_SETTINGS. Seeded by `npm run seed` only
 * (seedDemoWorld's `pastOrders` option), not by the integration tests, whose counts they would change.
 */
export interface DemoPastOrder {
  id: string;
  point: 0 | 1 | 2;
  /** Index into DEMO_SHOPPERS. */
  shopper: number;
  /** Placed this many days ago; picked up `pickedUpAfterDays` later; completed when the 7-day window after pickup has passed. */
  daysAgo: number;
  pickedUpAfterDays: number;
  /** [product id, SKU index, quantity] */
  items: Array<[string, number, number]>;
}

const pastId = (point: string, n: number) => `ord_demopast${point}`.padEnd(22, "0") + pad(n);

export const DEMO_PAST_ORDERS: DemoPastOrder[] = [
  { id: pastId("sun", 1), point: 0, shopper: 1, daysAgo: 20, pickedUpAfterDays: 1, items: [["prd_demostrawberry000000", 0, 1], ["prd_demoeggs000000000000", 0, 1]] },
  { id: pastId("sun", 2), point: 0, shopper: 5, daysAgo: 16, pickedUpAfterDays: 1, items: [["prd_demorice000000000000", 0, 1]] },
  { id: pastId("sun", 3), point: 0, shopper: 8, daysAgo: 12, pickedUpAfterDays: 2, items: [["prd_demodiapers000000000", 0, 1]] },
  { id: pastId("sun", 4), point: 0, shopper: 9, daysAgo: 9, pickedUpAfterDays: 1, items: [["prd_demotissue0000000000", 0, 1], ["prd_demogreens0000000000", 0, 2]] },
  { id: pastId("sun", 5), point: 0, shopper: 1, daysAgo: 3, pickedUpAfterDays: 1, items: [["prd_demoapple00000000000", 0, 1], ["prd_demotomato0000000000", 0, 1]] },
  { id: pastId("sun", 6), point: 0, shopper: 5, daysAgo: 2, pickedUpAfterDays: 1, items: [["prd_demodumplings0000000", 0, 2]] },
  { id: pastId("lak", 1), point: 1, shopper: 8, daysAgo: 15, pickedUpAfterDays: 1, items: [["prd_demooil0000000000000", 0, 1]] },
  { id: pastId("lak", 2), point: 1, shopper: 9, daysAgo: 10, pickedUpAfterDays: 1, items: [["prd_demopuffs00000000000", 0, 2]] },
  { id: pastId("lak", 3), point: 1, shopper: 1, daysAgo: 2, pickedUpAfterDays: 1, items: [["prd_demonoodles000000000", 0, 3]] },
  { id: pastId("hap", 1), point: 2, shopper: 5, daysAgo: 14, pickedUpAfterDays: 1, items: [["prd_demowipes00000000000", 0, 2]] },
  { id: pastId("hap", 2), point: 2, shopper: 8, daysAgo: 11, pickedUpAfterDays: 2, items: [["prd_demodetergent0000000", 0, 1], ["prd_demogreens0000000000", 0, 3]] },
  { id: pastId("hap", 3), point: 2, shopper: 9, daysAgo: 4, pickedUpAfterDays: 1, items: [["prd_demobeefnoodle000000", 0, 1]] },
];

/**
 * Group-deal campaigns (拼团, issue 7): approved, running for two months from the first seed.
 * Tiers are [head count, unit price in fen]; the first tier is what a member pays on joining.
 */
export interface DemoGroupCampaign {
  id: string;
  productId: string;
  skuIndex: number;
  tiers: Array<{ size: number; unitPriceFen: number }>;
  durationMinutes: number;
  perUserLimit: number;
}

export const DEMO_GROUP_CAMPAIGNS: DemoGroupCampaign[] = [
  // 烟台红富士苹果 5 斤装 ¥29.90: 3 人 ¥25.90, 5 人 ¥22.90.
  { id: "gdc_demoapple00000000000", productId: "prd_demoapple00000000000", skuIndex: 0, tiers: [{ size: 3, unitPriceFen: 2590 }, { size: 5, unitPriceFen: 2290 }], durationMinutes: 24 * 60, perUserLimit: 2 },
  // 五常稻花香大米 ¥69.90: 2 人 ¥64.90, 4 人 ¥59.90.
  { id: "gdc_demorice000000000000", productId: "prd_demorice000000000000", skuIndex: 0, tiers: [{ size: 2, unitPriceFen: 6490 }, { size: 4, unitPriceFen: 5990 }], durationMinutes: 12 * 60, perUserLimit: 2 },
];

/** The open group of the demo world: shopper 11 started it at 阳光花园 and has paid; it closes 20 hours after the first seed. */
export const DEMO_OPEN_GROUP = { id: "grp_demoapple00000000000", campaign: 0, shopper: 10, point: 0, quantity: 1, hoursLeft: 20 };

/**
 * Flash sales of the demo world (限时抢购, issue 8), approved at the first seed, their units set
 * aside from the SKU: one on now (from an hour before the first seed for a week, so the demo
 * always has a live sale to try), and one at the next 20:00–22:00 Asia/Shanghai at least an
 * hour away, for the countdown and "notify me". Gold members may buy 30 minutes early.
 */
export interface DemoFlashSale {
  id: string;
  productId: string;
  skuIndex: number;
  flashPriceFen: number;
  stock: number;
  perUserLimit: number;
  paymentTimeoutSeconds: number;
  earlyAccess: { silver: number; gold: number };
  window: "live" | "evening";
}

export const DEMO_FLASH_SALES: DemoFlashSale[] = [
  // 压榨花生油 5L ¥89.90 → ¥59.90
  { id: "fls_demooil0000000000000", productId: "prd_demooil0000000000000", skuIndex: 0, flashPriceFen: 5990, stock: 30, perUserLimit: 2, paymentTimeoutSeconds: 600, earlyAccess: { silver: 10, gold: 30 }, window: "live" },
  // 荠菜猪肉水饺 ¥25.90 → ¥15.90
  { id: "fls_demodumplings0000000", productId: "prd_demodumplings0000000", skuIndex: 0, flashPriceFen: 1590, stock: 40, perUserLimit: 2, paymentTimeoutSeconds: 600, earlyAccess: { silver: 0, gold: 30 }, window: "evening" },
];

/**
 * Reviews (评价, issue 10 part 5) on lines of the completed past orders above, written a day after
 * pickup by the shopper who collected them, each with its points; one with the merchant's reply.
 * Seeded with the past orders (`npm run seed`), never in the integration tests.
 */
export interface DemoReview {
  id: string;
  /** Index into DEMO_PAST_ORDERS, and the line's index in its items. */
  order: number;
  line: number;
  rating: 1 | 2 | 3 | 4 | 5;
  body: string;
  reply?: string;
}

const reviewId = (name: string) => `rev_demo${name}`.padEnd(24, "0");

export const DEMO_REVIEWS: DemoReview[] = [
  { id: reviewId("strawberry"), order: 0, line: 0, rating: 5, body: "草莓很甜，个头也大，第二天中午取的还很新鲜。孩子一口气吃了半盒。", reply: "谢谢支持！草莓每天凌晨从丹东到货，欢迎常来。" },
  { id: reviewId("eggs"), order: 0, line: 1, rating: 4, body: "鸡蛋个头均匀，蛋黄颜色深，就是有一个壳有点裂。" },
  { id: reviewId("rice"), order: 1, line: 0, rating: 5, body: "米香很浓，煮出来软糯，和超市买的不一样。" },
  { id: reviewId("greensa"), order: 3, line: 1, rating: 5, body: "菜很嫩，根上还带着泥，一看就是刚摘的。" },
  { id: reviewId("greensb"), order: 10, line: 1, rating: 2, body: "有几片叶子发黄了，希望下次分拣时挑一挑。" },
  { id: reviewId("puffs"), order: 7, line: 0, rating: 4, body: "宝宝很爱吃，入口即化，就是一盒量有点少。" },
];
