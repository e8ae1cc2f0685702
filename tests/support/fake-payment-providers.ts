/**
 * Local stand-ins for WeChat Pay APIv3 and the Alipay open-platform gateway, served from the Node
 * test process (node:http on 127.0.0.1, random port), with RSA keys generated at start.
 *
 * Everything here is written against the providers' published rules with node:crypto only, never
 * with the app's code, so the integration tests check the app against an independent reading:
 *
 * WeChat Pay (base `${url}/wechatpay`):
 *   POST /v3/pay/transactions/native      → {code_url}, signed with the platform key
 *   POST /v3/refund/domestic/refunds      → {refund_id, status, …}, signed; status is `wechat.refundStatus`
 *                                           (SUCCESS, or PROCESSING as for a bank card); idempotent per
 *                                           out_refund_no (a repeat answers the refund's current status),
 *                                           and never more than the transaction's total; while
 *                                           `wechat.failRefunds` > 0 a new refund is refused (403 NOT_ENOUGH)
 *   GET  /v3/refund/domestic/refunds/{out_refund_no}
 *                                        → the refund as above (查询单笔退款), signed; 404 RESOURCE_NOT_EXISTS
 *                                           for an unknown one. `wechat.setRefundStatus` moves a refund on.
 *   Every request must carry `Authorization: WECHATPAY2-SHA256-RSA2048 mchid=…,nonce_str=…,
 *   signature=…,timestamp=…,serial_no=…` that verifies with the merchant public key over
 *   `METHOD\n{request-line path}\n{timestamp}\n{nonce}\n{body}\n`; otherwise 401 SIGN_ERROR.
 *   Notifications are built by `wechat.notification()` (payments) and `wechat.refundNotification()`
 *   (REFUND.SUCCESS / ABNORMAL / CLOSED) exactly as WeChat Pay posts them.
 *
 * Alipay (gateway `${url}/alipay/gateway.do`):
 *   POST alipay.trade.refund              → signed `alipay_trade_refund_response` (fund_change Y; a repeated
 *                                           out_request_no answers N); refuses more than the trade's total;
 *                                           while `alipay.failRefunds` > 0 a new refund is refused (ACQ.SYSTEM_ERROR);
 *                                           with `alipay.pendingRefunds` a new refund is carried out but
 *                                           answered fund_change N (to be confirmed by a query)
 *   POST alipay.trade.fastpay.refund.query → signed answer: refund_status REFUND_SUCCESS with refund_amount for
 *                                           a refund carried out, no refund_status for an unknown one
 *   GET  (the page-pay redirect)          → 200 "cashier" page when the query's RSA2 sign verifies
 *   Requests must verify with the app public key over the sorted non-empty parameters except
 *   `sign`; otherwise an `error_response` 40002 isv.invalid-signature, as Alipay answers.
 *   Notifications are built by `alipay.notification()` exactly as Alipay posts them.
 */
import { createCipheriv, createSign, createVerify, generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RsaPair {
  publicKey: string;
  privateKey: string;
}

export const rsaKeyPair = (): RsaPair =>
  generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });

export const rsaSign = (message: string, privateKeyPem: string) => createSign("RSA-SHA256").update(message, "utf8").sign(privateKeyPem, "base64");
export const rsaVerify = (message: string, signature: string, publicKeyPem: string) => {
  try {
    return createVerify("RSA-SHA256").update(message, "utf8").verify(publicKeyPem, signature, "base64");
  } catch {
    return false;
  }
};

/** 6990 → "69.90", by string operations (independent of the app's money helpers). */
export function yuan(fen: number): string {
  const digits = String(fen).padStart(3, "0");
  return `${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/** "2026-11-25 21:00:00" in Asia/Shanghai (UTC+8, no DST), as Alipay writes times. */
export function shanghaiTime(epochMs: number): string {
  return new Date(epochMs + 8 * 3600_000).toISOString().slice(0, 19).replace("T", " ");
}

/** "2026-11-25T21:00:00+08:00", as WeChat Pay writes times. */
export function shanghaiRfc3339(epochMs: number): string {
  return `${new Date(epochMs + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;
}

/** Alipay's sign content: sorted by key, `sign` (and `exclude`) left out, empty values dropped unless keepEmpty. */
export function alipaySignContent(params: Record<string, string>, exclude: string[], keepEmpty = false): string {
  return Object.keys(params)
    .filter((k) => !exclude.includes(k) && (keepEmpty || params[k] !== ""))
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join("&");
}

// ---------- WeChat Pay ----------

export interface WechatRequest {
  method: string;
  /** The request line path (with the /wechatpay prefix and any query). */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: unknown;
  authorization: Record<string, string>;
  /** The merchant signature verified with the merchant public key (and mchid/serial/timestamp matched). */
  signatureValid: boolean;
  problem?: string;
}

export interface WechatTransaction {
  outTradeNo: string;
  transactionId: string;
  totalFen: number;
  refundedFen?: number;
}

export interface WechatRefund {
  transactionId: string;
  outTradeNo: string;
  refundId: string;
  refundFen: number;
  totalFen: number;
  status: "SUCCESS" | "PROCESSING" | "ABNORMAL" | "CLOSED";
  createdAt: number;
  successAt?: number;
}

export interface WechatNotificationOptions {
  /** Wechatpay-Timestamp, epoch seconds; default now. */
  timestamp?: number;
  serial?: string;
  /** Key the Wechatpay-Signature is made with; default the platform private key. */
  signKey?: string;
  /** Flip a byte inside the ciphertext (then sign the tampered body properly). */
  tamperCiphertext?: boolean;
  /** Change the body after signing. */
  tamperBodyAfterSigning?: boolean;
  apiV3Key?: string;
  eventType?: string;
}

function parseWechatAuthorization(header: string | undefined): Record<string, string> | null {
  const scheme = "WECHATPAY2-SHA256-RSA2048 ";
  if (!header?.startsWith(scheme)) return null;
  const fields: Record<string, string> = {};
  for (const m of header.slice(scheme.length).matchAll(/(\w+)="([^"]*)"/g)) fields[m[1]!] = m[2]!;
  return fields;
}

// ---------- Alipay ----------

export interface AlipayRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  biz: Record<string, unknown> | null;
  signatureValid: boolean;
}

export interface AlipayNotificationOptions {
  signKey?: string;
  /** Applied after signing (e.g. a tampered total_amount). */
  afterSigning?: Record<string, string>;
}

// ---------- the server ----------

export interface FakePaymentProviders {
  url: string;
  intruder: RsaPair;
  wechat: {
    baseUrl: string;
    mchId: string;
    appId: string;
    mchSerial: string;
    platformSerial: string;
    apiV3Key: string;
    merchant: RsaPair;
    platform: RsaPair;
    requests: WechatRequest[];
    /** The status new refunds get: SUCCESS (default), or PROCESSING as for a bank card. */
    refundStatus: "SUCCESS" | "PROCESSING";
    /** How many of the next new refunds to refuse (403 NOT_ENOUGH, 基本账户余额不足); nothing is recorded for them. */
    failRefunds: number;
    /** Refunds taken (out_refund_no → refund). */
    refunds: Map<string, WechatRefund>;
    /** Moves a refund on, as the bank does (PROCESSING → SUCCESS / ABNORMAL / CLOSED). */
    setRefundStatus(outRefundNo: string, status: WechatRefund["status"]): void;
    /** A refund result notification (退款结果通知) as WeChat Pay posts it; default event from the refund's status. */
    refundNotification(
      refund: { outRefundNo: string; status?: "SUCCESS" | "ABNORMAL" | "CLOSED"; overrides?: Record<string, unknown> },
      options?: WechatNotificationOptions
    ): { headers: Record<string, string>; body: string };
    /** Transactions "created" by a paid notification (out_trade_no → transaction). */
    transactions: Map<string, WechatTransaction>;
    /** A notification body and headers as WeChat Pay posts them after a payment (TRADE SUCCESS). */
    notification(
      tx: {
        outTradeNo: string;
        totalFen: number;
        transactionId?: string;
        overrides?: Record<string, unknown>;
      },
      options?: WechatNotificationOptions
    ): { headers: Record<string, string>; body: string; transactionId: string };
    /** Headers signing `body` as a WeChat Pay answer. */
    signResponse(body: string, options?: { timestamp?: number; serial?: string; signKey?: string }): Record<string, string>;
  };
  alipay: {
    gateway: string;
    appId: string;
    sellerId: string;
    /** 应用私钥 / 应用公钥: the merchant's app key pair. */
    app: RsaPair;
    /** 支付宝私钥 / 支付宝公钥: Alipay's own key pair. */
    alipay: RsaPair;
    requests: AlipayRequest[];
    trades: Map<string, { tradeNo: string; totalFen: number; refundedFen: number }>;
    /** How many of the next new refunds to refuse (40004 ACQ.SYSTEM_ERROR); nothing is recorded for them. */
    failRefunds: number;
    /** New refunds are carried out but answered fund_change "N", as when Alipay has not settled the answer yet. */
    pendingRefunds: boolean;
    /** An async notification form body as Alipay posts it. */
    notification(
      trade: {
        outTradeNo: string;
        totalFen: number;
        tradeNo?: string;
        overrides?: Record<string, string>;
      },
      options?: AlipayNotificationOptions
    ): { body: string; params: Record<string, string>; tradeNo: string };
    /** Checks a request's RSA2 sign with the app public key. */
    verifyRequest(params: Record<string, string>): boolean;
  };
  /** Worker vars configuring both providers against this stand-in. */
  vars(): Record<string, string>;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export async function startFakePaymentProviders(): Promise<FakePaymentProviders> {
  const merchant = rsaKeyPair();
  const platform = rsaKeyPair();
  const app = rsaKeyPair();
  const alipayKeys = rsaKeyPair();
  const intruder = rsaKeyPair();

  const MCH_ID = "1900009191";
  const WX_APP_ID = "wxd678efh567hg6787";
  const MCH_SERIAL = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1";
  const PLATFORM_SERIAL = "PUB_KEY_ID_0114232134912410000000000000";
  const API_V3_KEY = randomBytes(24).toString("base64url").slice(0, 32); // 32 ASCII characters
  const ALIPAY_APP_ID = "2021000000000001";
  const SELLER_ID = "2088102146225135";

  const wechatRequests: WechatRequest[] = [];
  const wechatTransactions = new Map<string, WechatTransaction>();
  const wechatRefunds = new Map<string, WechatRefund>();
  // out_trade_no + out_request_no → the refund's amount and the trade's refund_fee after it
  const alipayRefunds = new Map<string, { refundFen: number; refundFee: string; at: number }>();
  const alipayRequests: AlipayRequest[] = [];
  const alipayTrades = new Map<string, { tradeNo: string; totalFen: number; refundedFen: number }>();
  let seq = 0;
  const digits = (n: number) => String(Date.now()).slice(-10) + String(++seq).padStart(n - 10, "0");

  function signWechatResponse(body: string, o: { timestamp?: number; serial?: string; signKey?: string } = {}): Record<string, string> {
    const timestamp = String(o.timestamp ?? Math.floor(Date.now() / 1000));
    const nonce = randomBytes(16).toString("hex");
    return {
      "Wechatpay-Timestamp": timestamp,
      "Wechatpay-Nonce": nonce,
      "Wechatpay-Signature": rsaSign(`${timestamp}\n${nonce}\n${body}\n`, o.signKey ?? platform.privateKey),
      "Wechatpay-Serial": o.serial ?? PLATFORM_SERIAL,
      "Request-ID": randomUUID(),
    };
  }

  function sendWechat(res: ServerResponse, status: number, payload: unknown, signed = true) {
    const body = payload === undefined ? "" : JSON.stringify(payload);
    const headers: Record<string, string> = {
      "Content-Type": "application/json; charset=utf-8",
      ...(signed ? signWechatResponse(body) : {}),
    };
    res.writeHead(status, headers).end(body);
  }

  async function handleWechat(req: IncomingMessage, res: ServerResponse, path: string) {
    const body = await readBody(req);
    const authorization = parseWechatAuthorization(req.headers.authorization);
    let problem: string | undefined;
    if (!authorization) problem = "missing or malformed Authorization";
    else if (authorization.mchid !== MCH_ID) problem = `mchid ${authorization.mchid}`;
    else if (authorization.serial_no !== MCH_SERIAL) problem = `serial_no ${authorization.serial_no}`;
    else if (!/^\d+$/.test(authorization.timestamp ?? "") || Math.abs(Date.now() / 1000 - Number(authorization.timestamp)) > 300) problem = "timestamp";
    else if (!authorization.nonce_str) problem = "nonce_str";
    else {
      const message = `${req.method}\n${req.url}\n${authorization.timestamp}\n${authorization.nonce_str}\n${body}\n`;
      if (!rsaVerify(message, authorization.signature ?? "", merchant.publicKey)) problem = "signature";
    }
    const json = parseJson(body);
    wechatRequests.push({
      method: req.method!,
      path: req.url!,
      headers: req.headers,
      body,
      json,
      authorization: authorization ?? {},
      signatureValid: !problem,
      ...(problem ? { problem } : {}),
    });
    if (problem) return sendWechat(res, 401, { code: "SIGN_ERROR", message: `签名错误 (${problem})` }, false);
    if (!/^application\/json/.test(req.headers["content-type"] ?? "") || !/application\/json/.test(req.headers.accept ?? "") || !req.headers["user-agent"]) {
      return sendWechat(res, 400, { code: "PARAM_ERROR", message: "Accept / Content-Type / User-Agent" }, false);
    }
    const j = (json ?? {}) as Record<string, any>;

    if (req.method === "POST" && path === "/v3/pay/transactions/native") {
      const ok =
        j.appid === WX_APP_ID &&
        j.mchid === MCH_ID &&
        typeof j.description === "string" &&
        j.description.length > 0 &&
        typeof j.out_trade_no === "string" &&
        /^[0-9A-Za-z_*|-]{6,32}$/.test(j.out_trade_no) &&
        typeof j.notify_url === "string" &&
        /^https?:\/\//.test(j.notify_url) &&
        Number.isSafeInteger(j.amount?.total) &&
        j.amount.total >= 1;
      if (!ok) return sendWechat(res, 400, { code: "PARAM_ERROR", message: "参数错误" }, false);
      return sendWechat(res, 200, {
        code_url: `weixin://wxpay/bizpayurl?pr=${j.out_trade_no}`,
      });
    }

    if (req.method === "POST" && path === "/v3/refund/domestic/refunds") {
      const tx = [...wechatTransactions.values()].find((t) => t.transactionId === j.transaction_id);
      if (!tx) return sendWechat(res, 404, { code: "RESOURCE_NOT_EXISTS", message: "订单不存在" }, false);
      if (typeof j.out_refund_no !== "string" || !j.out_refund_no) return sendWechat(res, 400, { code: "PARAM_ERROR", message: "out_refund_no" }, false);
      if (j.amount?.total !== tx.totalFen || !Number.isSafeInteger(j.amount?.refund) || j.amount.refund < 1 || j.amount.refund > tx.totalFen) {
        return sendWechat(
          res,
          400,
          {
            code: "PARAM_ERROR",
            message: "订单金额或退款金额与之前请求不一致",
          },
          false
        );
      }
      // The same out_refund_no is the same refund (idempotent); a new one may not exceed what is left.
      const previous = wechatRefunds.get(j.out_refund_no);
      if (previous && previous.transactionId !== tx.transactionId)
        return sendWechat(
          res,
          400,
          {
            code: "INVALID_REQUEST",
            message: "out_refund_no 已被其他订单使用",
          },
          false
        );
      if (!previous) {
        if (wechatApi.failRefunds > 0) {
          wechatApi.failRefunds--;
          return sendWechat(res, 403, { code: "NOT_ENOUGH", message: "基本账户余额不足，请充值后重新发起" }, false);
        }
        if ((tx.refundedFen ?? 0) + j.amount.refund > tx.totalFen)
          return sendWechat(res, 403, { code: "NOT_ENOUGH", message: "申请退款金额超过订单可退金额" }, false);
        tx.refundedFen = (tx.refundedFen ?? 0) + j.amount.refund;
        const now = Date.now();
        wechatRefunds.set(j.out_refund_no, {
          transactionId: tx.transactionId,
          outTradeNo: tx.outTradeNo,
          refundId: `50000000${digits(21)}`,
          refundFen: j.amount.refund,
          totalFen: tx.totalFen,
          status: wechatApi.refundStatus,
          createdAt: now,
          ...(wechatApi.refundStatus === "SUCCESS" ? { successAt: now } : {}),
        });
      }
      return sendWechat(res, 200, wechatRefundBody(j.out_refund_no, wechatRefunds.get(j.out_refund_no)!));
    }

    const queried = /^\/v3\/refund\/domestic\/refunds\/([^/?]+)$/.exec(path);
    if (req.method === "GET" && queried) {
      const outRefundNo = decodeURIComponent(queried[1]!);
      const refund = wechatRefunds.get(outRefundNo);
      if (!refund) return sendWechat(res, 404, { code: "RESOURCE_NOT_EXISTS", message: "退款单不存在" }, false);
      return sendWechat(res, 200, wechatRefundBody(outRefundNo, refund));
    }
    return sendWechat(res, 404, { code: "NOT_FOUND", message: `no such API ${req.method} ${path}` }, false);
  }

  /** A refund as 退款申请 and 查询单笔退款 answer it. */
  function wechatRefundBody(outRefundNo: string, r: WechatRefund) {
    return {
      refund_id: r.refundId,
      out_refund_no: outRefundNo,
      transaction_id: r.transactionId,
      out_trade_no: r.outTradeNo,
      channel: "ORIGINAL",
      user_received_account: "招商银行信用卡0403",
      ...(r.successAt !== undefined ? { success_time: shanghaiRfc3339(r.successAt) } : {}),
      create_time: shanghaiRfc3339(r.createdAt),
      status: r.status,
      funds_account: "AVAILABLE",
      amount: {
        total: r.totalFen,
        refund: r.refundFen,
        payer_total: r.totalFen,
        payer_refund: r.refundFen,
        settlement_refund: r.refundFen,
        settlement_total: r.totalFen,
        discount_refund: 0,
        currency: "CNY",
      },
    };
  }

  function alipaySigned(node: string, value: Record<string, unknown>): string {
    const raw = JSON.stringify(value);
    return `{"${node}":${raw},"sign":"${rsaSign(raw, alipayKeys.privateKey)}"}`;
  }

  function verifyAlipayRequest(params: Record<string, string>): boolean {
    return params.sign_type === "RSA2" && rsaVerify(alipaySignContent(params, ["sign"]), params.sign ?? "", app.publicKey);
  }

  async function handleAlipay(req: IncomingMessage, res: ServerResponse, url: URL) {
    const body = req.method === "POST" ? await readBody(req) : "";
    const params = Object.fromEntries(new URLSearchParams(req.method === "POST" ? body : url.search));
    const biz = (parseJson(params.biz_content ?? "") ?? null) as Record<string, unknown> | null;
    const signatureValid = verifyAlipayRequest(params) && params.app_id === ALIPAY_APP_ID;
    alipayRequests.push({
      method: req.method!,
      path: url.pathname,
      params,
      biz,
      signatureValid,
    });
    const text = (status: number, s: string, type = "text/html;charset=utf-8") => res.writeHead(status, { "Content-Type": type }).end(s);

    if (req.method === "GET") {
      // The cashier page a shopper's browser lands on after the page-pay redirect.
      return signatureValid ? text(200, "<html><body>支付宝收银台 (stand-in)</body></html>") : text(400, "<html><body>验签出错</body></html>");
    }
    if (!signatureValid) {
      return text(200, '{"error_response":{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.invalid-signature","sub_msg":"验签出错"}}');
    }
    if (params.method === "alipay.trade.refund") {
      const outTradeNo = String(biz?.out_trade_no ?? "");
      const trade = alipayTrades.get(outTradeNo);
      const fail = (sub_code: string, sub_msg: string) =>
        text(
          200,
          alipaySigned("alipay_trade_refund_response", {
            code: "40004",
            msg: "Business Failed",
            sub_code,
            sub_msg,
          })
        );
      if (!trade || (biz?.trade_no !== undefined && biz.trade_no !== trade.tradeNo)) return fail("ACQ.TRADE_NOT_EXIST", "交易不存在");
      const m = /^(0|[1-9]\d*)\.(\d{2})$/.exec(String(biz?.refund_amount ?? ""));
      const refundFen = m ? Number(m[1]) * 100 + Number(m[2]) : NaN;
      // A repeated out_request_no is the same refund: success again, but no money moves (fund_change N).
      const requestKey = `${outTradeNo} ${String(biz?.out_request_no ?? "")}`;
      const repeated = alipayRefunds.has(requestKey);
      if (!repeated) {
        if (alipayApi.failRefunds > 0) {
          alipayApi.failRefunds--;
          return fail("ACQ.SYSTEM_ERROR", "系统错误");
        }
        if (!Number.isSafeInteger(refundFen) || refundFen < 1 || trade.refundedFen + refundFen > trade.totalFen) {
          return fail("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额超限");
        }
        trade.refundedFen += refundFen;
        alipayRefunds.set(requestKey, { refundFen, refundFee: yuan(trade.refundedFen), at: Date.now() });
      }
      return text(
        200,
        alipaySigned("alipay_trade_refund_response", {
          code: "10000",
          msg: "Success",
          buyer_logon_id: "159****5620",
          buyer_user_id: "2088102177846875",
          fund_change: repeated || alipayApi.pendingRefunds ? "N" : "Y",
          gmt_refund_pay: shanghaiTime(Date.now()),
          out_trade_no: outTradeNo,
          refund_fee: yuan(trade.refundedFen),
          send_back_fee: "0.00",
          trade_no: trade.tradeNo,
        })
      );
    }
    if (params.method === "alipay.trade.fastpay.refund.query") {
      const node = "alipay_trade_fastpay_refund_query_response";
      const outTradeNo = String(biz?.out_trade_no ?? "");
      const outRequestNo = String(biz?.out_request_no ?? "");
      const trade = alipayTrades.get(outTradeNo);
      if (!trade || !outRequestNo) {
        return text(200, alipaySigned(node, { code: "40004", msg: "Business Failed", sub_code: "ACQ.TRADE_NOT_EXIST", sub_msg: "交易不存在" }));
      }
      const refund = alipayRefunds.get(`${outTradeNo} ${outRequestNo}`);
      const options = Array.isArray(biz?.query_options) ? (biz.query_options as unknown[]) : [];
      // Found: the refund's fields and refund_status REFUND_SUCCESS. Not found: the query worked, nothing more.
      return text(
        200,
        alipaySigned(node, {
          code: "10000",
          msg: "Success",
          trade_no: trade.tradeNo,
          out_trade_no: outTradeNo,
          out_request_no: outRequestNo,
          ...(refund
            ? {
                total_amount: yuan(trade.totalFen),
                refund_amount: yuan(refund.refundFen),
                refund_status: "REFUND_SUCCESS",
                ...(options.includes("gmt_refund_pay") ? { gmt_refund_pay: shanghaiTime(refund.at) } : {}),
              }
            : {}),
        })
      );
    }
    return text(200, '{"error_response":{"code":"40004","msg":"Business Failed","sub_code":"isv.invalid-method","sub_msg":"不存在的方法名"}}');
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://stand-in");
    const done = (p: Promise<unknown>) =>
      p.catch((error: unknown) => {
        res.writeHead(599, { "Content-Type": "text/plain" }).end(`stand-in failure: ${String(error)}`);
      });
    if (url.pathname.startsWith("/wechatpay/")) return void done(handleWechat(req, res, url.pathname.slice("/wechatpay".length)));
    if (url.pathname === "/alipay/gateway.do") return void done(handleAlipay(req, res, url));
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function wechatNotification(
    tx: {
      outTradeNo: string;
      totalFen: number;
      transactionId?: string;
      overrides?: Record<string, unknown>;
    },
    o: WechatNotificationOptions = {}
  ) {
    const transactionId = tx.transactionId ?? wechatTransactions.get(tx.outTradeNo)?.transactionId ?? `42000000${digits(20)}`;
    const now = Date.now();
    const transaction = {
      appid: WX_APP_ID,
      mchid: MCH_ID,
      out_trade_no: tx.outTradeNo,
      transaction_id: transactionId,
      trade_type: "NATIVE",
      trade_state: "SUCCESS",
      trade_state_desc: "支付成功",
      bank_type: "CMC",
      attach: "",
      success_time: shanghaiRfc3339(now - 2000),
      payer: { openid: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" },
      amount: {
        total: tx.totalFen,
        payer_total: tx.totalFen,
        currency: "CNY",
        payer_currency: "CNY",
      },
      ...tx.overrides,
    };
    // AEAD_AES_256_GCM: key = APIv3 key bytes, 12-byte nonce, AAD "transaction", ciphertext ‖ 16-byte tag, base64.
    const nonce = randomBytes(9).toString("base64url"); // 12 ASCII characters
    const aad = "transaction";
    const cipher = createCipheriv("aes-256-gcm", Buffer.from(o.apiV3Key ?? API_V3_KEY, "utf8"), Buffer.from(nonce, "utf8"));
    cipher.setAAD(Buffer.from(aad, "utf8"));
    const sealed = Buffer.concat([cipher.update(JSON.stringify(transaction), "utf8"), cipher.final(), cipher.getAuthTag()]);
    if (o.tamperCiphertext) sealed[Math.floor(sealed.length / 2)]! ^= 0x01;
    const body = JSON.stringify({
      id: randomUUID(),
      create_time: shanghaiRfc3339(now),
      resource_type: "encrypt-resource",
      event_type: o.eventType ?? "TRANSACTION.SUCCESS",
      summary: "支付成功",
      resource: {
        original_type: "transaction",
        algorithm: "AEAD_AES_256_GCM",
        ciphertext: sealed.toString("base64"),
        associated_data: aad,
        nonce,
      },
    });
    const headers = {
      ...signWechatResponse(body, {
        timestamp: o.timestamp,
        serial: o.serial,
        signKey: o.signKey,
      }),
      "Content-Type": "application/json",
      "User-Agent": "Mozilla/4.0",
    };
    delete (headers as Record<string, string>)["Request-ID"];
    if (!o.tamperCiphertext && !o.signKey && !o.serial && o.timestamp === undefined && transaction.trade_state === "SUCCESS") {
      const existing = wechatTransactions.get(tx.outTradeNo);
      wechatTransactions.set(tx.outTradeNo, {
        outTradeNo: tx.outTradeNo,
        transactionId,
        totalFen: transaction.amount.total as number,
        refundedFen: existing?.transactionId === transactionId ? existing.refundedFen ?? 0 : 0,
      });
    }
    return {
      headers,
      body: o.tamperBodyAfterSigning ? body.replace("支付成功", "支付失败") : body,
      transactionId,
    };
  }

  function wechatRefundNotification(
    r: { outRefundNo: string; status?: "SUCCESS" | "ABNORMAL" | "CLOSED"; overrides?: Record<string, unknown> },
    o: WechatNotificationOptions = {}
  ) {
    const refund = wechatRefunds.get(r.outRefundNo);
    if (!refund) throw new Error(`stand-in: no refund ${r.outRefundNo}`);
    const status = r.status ?? (refund.status === "PROCESSING" ? "SUCCESS" : refund.status);
    const now = Date.now();
    // 退款结果通知 (direct merchant): the decrypted resource carries no appid.
    const resource = {
      mchid: MCH_ID,
      out_trade_no: refund.outTradeNo,
      transaction_id: refund.transactionId,
      out_refund_no: r.outRefundNo,
      refund_id: refund.refundId,
      refund_status: status,
      ...(status === "SUCCESS" ? { success_time: shanghaiRfc3339(refund.successAt ?? now) } : {}),
      user_received_account: "招商银行信用卡0403",
      amount: { total: refund.totalFen, refund: refund.refundFen, payer_total: refund.totalFen, payer_refund: refund.refundFen },
      ...r.overrides,
    };
    // AEAD_AES_256_GCM as for payments, with associated_data "refund".
    const nonce = randomBytes(9).toString("base64url");
    const aad = "refund";
    const cipher = createCipheriv("aes-256-gcm", Buffer.from(o.apiV3Key ?? API_V3_KEY, "utf8"), Buffer.from(nonce, "utf8"));
    cipher.setAAD(Buffer.from(aad, "utf8"));
    const sealed = Buffer.concat([cipher.update(JSON.stringify(resource), "utf8"), cipher.final(), cipher.getAuthTag()]);
    if (o.tamperCiphertext) sealed[Math.floor(sealed.length / 2)]! ^= 0x01;
    const body = JSON.stringify({
      id: randomUUID(),
      create_time: shanghaiRfc3339(now),
      resource_type: "encrypt-resource",
      event_type: o.eventType ?? `REFUND.${status}`,
      summary: "退款状态变更",
      resource: { original_type: "refund", algorithm: "AEAD_AES_256_GCM", ciphertext: sealed.toString("base64"), associated_data: aad, nonce },
    });
    const headers: Record<string, string> = {
      ...signWechatResponse(body, { timestamp: o.timestamp, serial: o.serial, signKey: o.signKey }),
      "Content-Type": "application/json",
      "User-Agent": "Mozilla/4.0",
    };
    delete headers["Request-ID"];
    return { headers, body: o.tamperBodyAfterSigning ? body.replace("退款状态变更", "退款成功") : body };
  }

  function alipayNotification(
    trade: {
      outTradeNo: string;
      totalFen: number;
      tradeNo?: string;
      overrides?: Record<string, string>;
    },
    o: AlipayNotificationOptions = {}
  ) {
    const tradeNo = trade.tradeNo ?? alipayTrades.get(trade.outTradeNo)?.tradeNo ?? `2026${digits(24)}`;
    const now = Date.now();
    const amount = yuan(trade.totalFen);
    const params: Record<string, string> = {
      gmt_create: shanghaiTime(now - 60_000),
      charset: "utf-8",
      seller_email: "merchant@example.com",
      subject: "邻里团订单",
      buyer_id: "2088102177846875",
      invoice_amount: amount,
      notify_id: `2026${digits(30)}`,
      fund_bill_list: `[{"amount":"${amount}","fundChannel":"ALIPAYACCOUNT"}]`,
      notify_type: "trade_status_sync",
      trade_status: "TRADE_SUCCESS",
      receipt_amount: amount,
      buyer_pay_amount: amount,
      app_id: ALIPAY_APP_ID,
      notify_time: shanghaiTime(now),
      point_amount: "0.00",
      total_amount: amount,
      trade_no: tradeNo,
      auth_app_id: ALIPAY_APP_ID,
      seller_id: SELLER_ID,
      gmt_payment: shanghaiTime(now - 2000),
      out_trade_no: trade.outTradeNo,
      version: "1.0",
      ...trade.overrides,
    };
    // Alipay signs every parameter except sign and sign_type, sorted, empty values kept (rsaCheckV1).
    params.sign = rsaSign(alipaySignContent(params, ["sign", "sign_type"], true), o.signKey ?? alipayKeys.privateKey);
    params.sign_type = "RSA2";
    Object.assign(params, o.afterSigning);
    if (!o.signKey && !o.afterSigning && params.app_id === ALIPAY_APP_ID && params.trade_status === "TRADE_SUCCESS") {
      const existing = alipayTrades.get(trade.outTradeNo);
      alipayTrades.set(trade.outTradeNo, {
        tradeNo,
        totalFen: trade.totalFen,
        refundedFen: existing?.tradeNo === tradeNo ? existing.refundedFen : 0,
      });
    }
    return { body: new URLSearchParams(params).toString(), params, tradeNo };
  }

  const wechatApi: FakePaymentProviders["wechat"] = {
    baseUrl: `${base}/wechatpay`,
    mchId: MCH_ID,
    appId: WX_APP_ID,
    mchSerial: MCH_SERIAL,
    platformSerial: PLATFORM_SERIAL,
    apiV3Key: API_V3_KEY,
    merchant,
    platform,
    requests: wechatRequests,
    refundStatus: "SUCCESS",
    failRefunds: 0,
    refunds: wechatRefunds,
    setRefundStatus(outRefundNo, status) {
      const refund = wechatRefunds.get(outRefundNo);
      if (!refund) throw new Error(`stand-in: no refund ${outRefundNo}`);
      refund.status = status;
      if (status === "SUCCESS") refund.successAt = Date.now();
    },
    refundNotification: wechatRefundNotification,
    transactions: wechatTransactions,
    notification: wechatNotification,
    signResponse: signWechatResponse,
  };

  const alipayApi = {
    gateway: `${base}/alipay/gateway.do`,
    appId: ALIPAY_APP_ID,
    sellerId: SELLER_ID,
    app,
    alipay: alipayKeys,
    requests: alipayRequests,
    trades: alipayTrades,
    failRefunds: 0,
    pendingRefunds: false,
    notification: alipayNotification,
    verifyRequest: verifyAlipayRequest,
  } satisfies FakePaymentProviders["alipay"];

  return {
    url: base,
    intruder,
    wechat: wechatApi,
    alipay: alipayApi,
    vars() {
      return {
        WECHATPAY_MCH_ID: MCH_ID,
        WECHATPAY_APP_ID: WX_APP_ID,
        WECHATPAY_MCH_SERIAL: MCH_SERIAL,
        WECHATPAY_PRIVATE_KEY: merchant.privateKey,
        WECHATPAY_API_V3_KEY: API_V3_KEY,
        WECHATPAY_PLATFORM_CERTS: JSON.stringify({
          [PLATFORM_SERIAL]: platform.publicKey,
        }),
        WECHATPAY_BASE_URL: `${base}/wechatpay`,
        ALIPAY_APP_ID,
        ALIPAY_PRIVATE_KEY: app.privateKey,
        ALIPAY_PUBLIC_KEY: alipayKeys.publicKey,
        ALIPAY_SELLER_ID: SELLER_ID,
        ALIPAY_GATEWAY: `${base}/alipay/gateway.do`,
      };
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.closeAllConnections?.();
        server.close((error) => (error ? reject(error) : resolve()));
      });
    },
  };
}
