export * from "./identity";
export * from "./pickup";
export * from "./merchants";
export * from "./catalog";
export * from "./platform";
export * from "./shop";
export * from "./marketing";
export * from "./orders";
