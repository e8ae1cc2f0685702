export * from "./identity";
export * from "./pickup";
export * from "./merchants";
export * from "./catalog";
export * from "./platform";
export * from "./shop";
