/**
 * A large generated catalogue for the benchmark: N on-shelf products (95 %; the rest off the shelf)
 * with Chinese + English titles combined from produce/grocery word lists, one SKU each and one
 * product_search row each (built with the app's own `productSearchDocument`, as the catalogue module
 * indexes a real product). Deterministic: the same seed gives the same catalogue.
 *
 * Rows are written with multi-row INSERTs of at most 100 bound parameters per statement (D1's
 * limit), many statements per `db.batch`.
 */
import { productSearchDocument } from "../../app/modules/catalog/search.server";
import { DEMO_CATEGORIES, DEMO_MERCHANTS } from "../../app/modules/demo/world";

type Slug = (typeof DEMO_CATEGORIES)[number]["slug"];

const ITEMS: Array<[zh: string, en: string, category: Slug, unit: string]> = [
  ["草莓", "strawberries", "fresh", "盒"],
  ["苹果", "apples", "fresh", "箱"],
  ["香蕉", "bananas", "fresh", "把"],
  ["橙子", "oranges", "fresh", "箱"],
  ["葡萄", "grapes", "fresh", "串"],
  ["西瓜", "watermelon", "fresh", "个"],
  ["芒果", "mangoes", "fresh", "箱"],
  ["猕猴桃", "kiwi fruit", "fresh", "盒"],
  ["蓝莓", "blueberries", "fresh", "盒"],
  ["樱桃", "cherries", "fresh", "盒"],
  ["西红柿", "tomatoes", "fresh", "份"],
  ["黄瓜", "cucumbers", "fresh", "份"],
  ["土豆", "potatoes", "fresh", "袋"],
  ["胡萝卜", "carrots", "fresh", "袋"],
  ["白菜", "napa cabbage", "fresh", "颗"],
  ["菠菜", "spinach", "fresh", "份"],
  ["西兰花", "broccoli", "fresh", "颗"],
  ["洋葱", "onions", "fresh", "袋"],
  ["大蒜", "garlic", "fresh", "袋"],
  ["生姜", "ginger", "fresh", "份"],
  ["鸡蛋", "eggs", "fresh", "盒"],
  ["猪肉", "pork", "fresh", "份"],
  ["牛肉", "beef", "fresh", "份"],
  ["鸡腿", "chicken legs", "fresh", "份"],
  ["三文鱼", "salmon", "fresh", "份"],
  ["虾仁", "shrimp", "fresh", "袋"],
  ["大米", "rice", "grocery", "袋"],
  ["面粉", "flour", "grocery", "袋"],
  ["挂面", "noodles", "grocery", "把"],
  ["花生油", "peanut oil", "grocery", "桶"],
  ["酱油", "soy sauce", "grocery", "瓶"],
  ["香醋", "vinegar", "grocery", "瓶"],
  ["红枣", "red dates", "grocery", "袋"],
  ["核桃", "walnuts", "grocery", "袋"],
  ["小米", "millet", "grocery", "袋"],
  ["绿豆", "mung beans", "grocery", "袋"],
  ["蜂蜜", "honey", "grocery", "瓶"],
  ["牛奶", "milk", "grocery", "箱"],
  ["酸奶", "yoghurt", "grocery", "盒"],
  ["奶粉", "formula milk", "baby", "罐"],
  ["纸尿裤", "nappies", "baby", "包"],
  ["婴儿米粉", "baby rice cereal", "baby", "罐"],
  ["湿巾", "wet wipes", "baby", "包"],
  ["纸巾", "tissues", "household", "提"],
  ["洗衣液", "laundry liquid", "household", "瓶"],
  ["洗洁精", "dish soap", "household", "瓶"],
  ["垃圾袋", "bin bags", "household", "卷"],
  ["牙膏", "toothpaste", "household", "支"],
  ["饺子", "dumplings", "meals", "袋"],
  ["馄饨", "wontons", "meals", "袋"],
  ["汤圆", "sweet rice balls", "meals", "袋"],
  ["方便面", "instant noodles", "meals", "箱"],
  ["自热火锅", "self-heating hotpot", "meals", "盒"],
  ["包子", "steamed buns", "meals", "袋"],
];

const ORIGINS: Array<[string, string]> = [
  ["山东", "Shandong"],
  ["云南", "Yunnan"],
  ["海南", "Hainan"],
  ["新疆", "Xinjiang"],
  ["东北", "Northeast"],
  ["烟台", "Yantai"],
  ["丹东", "Dandong"],
  ["赣南", "Gannan"],
  ["五常", "Wuchang"],
  ["内蒙古", "Inner Mongolia"],
  ["四川", "Sichuan"],
  ["浙江", "Zhejiang"],
  ["崇明", "Chongming"],
  ["宁夏", "Ningxia"],
  ["本地", "Local"],
  ["进口", "Imported"],
];

const ADJECTIVES: Array<[string, string]> = [
  ["有机", "organic"],
  ["新鲜", "fresh"],
  ["精选", "selected"],
  ["当季", "seasonal"],
  ["农家", "farmhouse"],
  ["特级", "premium"],
  ["冷鲜", "chilled"],
  ["散养", "free-range"],
  ["手工", "handmade"],
  ["原味", "original"],
  ["家庭装", "family-size"],
  ["", ""],
];

const PACKS: Array<[string, string]> = [
  ["500g", "500 g"],
  ["1kg", "1 kg"],
  ["2.5kg", "2.5 kg"],
  ["5斤装", "5 jin"],
  ["10斤装", "10 jin"],
  ["礼盒装", "gift box"],
  ["整箱", "whole case"],
  ["3 袋装", "3 bags"],
];

/** Small, fast, seedable PRNG (mulberry32). */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GeneratedProduct {
  id: string;
  skuId: string;
  merchantId: string;
  categoryId: string;
  titleZh: string;
  titleEn: string;
  unit: string;
  status: "on_shelf" | "off_shelf";
  soldCount: number;
  priceFen: number;
  stock: number;
  specZh: string;
  specEn: string;
  search: { title: string; body: string };
}

export function generateCatalogue(count: number, seed = 20_000): GeneratedProduct[] {
  const rand = prng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const categories = new Map(DEMO_CATEGORIES.map((c) => [c.slug as Slug, c]));
  const out: GeneratedProduct[] = [];
  for (let n = 0; n < count; n++) {
    const [itemZh, itemEn, slug, unit] = pick(ITEMS);
    const [originZh, originEn] = pick(ORIGINS);
    const [adjZh, adjEn] = pick(ADJECTIVES);
    const [packZh, packEn] = pick(PACKS);
    const category = categories.get(slug)!;
    const titleZh = `${originZh}${adjZh}${itemZh} ${packZh}`;
    const titleEn = `${originEn}${adjEn ? ` ${adjEn}` : ""} ${itemEn}, ${packEn}`;
    const serial = String(n).padStart(15, "0");
    out.push({
      id: `prd_bench${serial}`,
      skuId: `sku_bench${serial}`,
      merchantId: DEMO_MERCHANTS[n % DEMO_MERCHANTS.length]!.id,
      categoryId: category.id,
      titleZh,
      titleEn,
      unit,
      status: rand() < 0.95 ? "on_shelf" : "off_shelf",
      // Skewed like a real shop: most products sell little, a few sell a lot.
      soldCount: Math.floor(rand() ** 3 * 5000),
      priceFen: 190 + Math.floor(rand() * 200) * 50,
      stock: rand() < 0.1 ? 0 : Math.floor(rand() * 500),
      specZh: packZh,
      specEn: packEn,
      search: productSearchDocument({ titleZh, titleEn, category: { nameZh: category.nameZh, nameEn: category.nameEn } }),
    });
  }
  return out;
}

export interface Statement {
  sql: string;
  params: unknown[];
}

const MAX_PARAMS = 100;

function multiRowInserts<T>(table: string, columns: string[], rows: T[], values: (row: T) => unknown[]): Statement[] {
  const perStatement = Math.floor(MAX_PARAMS / columns.length);
  const tuple = `(${columns.map(() => "?").join(", ")})`;
  const statements: Statement[] = [];
  for (let i = 0; i < rows.length; i += perStatement) {
    const chunk = rows.slice(i, i + perStatement);
    statements.push({
      sql: `INSERT INTO ${table} (${columns.join(", ")}) VALUES ${chunk.map(() => tuple).join(", ")}`,
      params: chunk.flatMap(values),
    });
  }
  return statements;
}

/**
 * Writes the catalogue through `runBatch` (one D1 batch, i.e. one transaction, per call);
 * returns the number of statements run.
 */
export async function seedCatalogue(
  runBatch: (statements: Statement[]) => Promise<void>,
  products: GeneratedProduct[],
  statementsPerBatch = 250,
): Promise<number> {
  const now = Date.now();
  const statements = [
    ...multiRowInserts(
      "products",
      ["id", "merchant_id", "category_id", "title_zh", "title_en", "unit", "status", "sold_count", "created_at", "updated_at"],
      products,
      (p) => [p.id, p.merchantId, p.categoryId, p.titleZh, p.titleEn, p.unit, p.status, p.soldCount, now, now],
    ),
    ...multiRowInserts(
      "skus",
      ["id", "product_id", "spec_zh", "spec_en", "price_fen", "stock", "created_at", "updated_at"],
      products,
      (p) => [p.skuId, p.id, p.specZh, p.specEn, p.priceFen, p.stock, now, now],
    ),
    ...multiRowInserts("product_search", ["product_id", "title", "body"], products, (p) => [p.id, p.search.title, p.search.body]),
  ];
  for (const s of statements) {
    if (s.params.length > MAX_PARAMS) throw new Error(`${s.params.length} parameters in one statement`);
  }
  for (let i = 0; i < statements.length; i += statementsPerBatch) {
    await runBatch(statements.slice(i, i + statementsPerBatch));
  }
  return statements.length;
}

/**
 * What shoppers type: Chinese of 1–4 characters, English prefixes, one mixed query, and one that
 * finds nothing. Broad ones ("米", "fresh": thousands of hits to rank) are there on purpose.
 */
export const SEARCH_QUERIES = [
  "草莓",
  "苹果",
  "鸡蛋",
  "牛奶",
  "米",
  "橙",
  "有机",
  "西红柿",
  "五常大米",
  "海南芒果",
  "猪肉",
  "饺子",
  "纸尿裤",
  "新鲜蔬菜",
  "straw",
  "app",
  "egg",
  "org",
  "tom",
  "fresh",
  "rice",
  "dump",
  "有机 egg",
];
