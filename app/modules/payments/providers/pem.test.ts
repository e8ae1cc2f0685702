import { createPublicKey, createSign, createVerify, generateKeyPairSync, X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { rsaSha256Sign, rsaSha256Verify } from "./crypto";
import { decodePem, importRsaPrivateKey, importRsaPublicKey, spkiFromCertificate } from "./pem";

const pkcs8 = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  publicKeyEncoding: { type: "spki", format: "pem" },
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
});
const pkcs1 = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  publicKeyEncoding: { type: "pkcs1", format: "pem" },
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
});

/** Self-signed, generated with `openssl req -x509 -newkey rsa:2048`; only the certificate is kept. */
const CERTIFICATE = `-----BEGIN CERTIFICATE-----
MIIDJzCCAg+gAwIBAgIUAJVtcf85cqEJPvatdXbxHgLkQeYwDQYJKoZIhvcNAQEL
BQAwIzEhMB8GA1UEAwwYVGVzdCBXZUNoYXQgUGF5IFBsYXRmb3JtMB4XDTI2MTEy
NTE0MjgxM1oXDTM2MTEyMjE0MjgxM1owIzEhMB8GA1UEAwwYVGVzdCBXZUNoYXQg
UGF5IFBsYXRmb3JtMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAxjJx
2nZ7JKR7BYKca66msG9H+p9M3ImOeTGv0oijdfaUtAIa/Z6Qhi733iuIqreCmg7q
ESew7y2oJaISrycwJUv9PTa8DY7rQG2WIhtxYRm4+p5CwmsJNIw3DgyS7tq+6cbX
bvTf2wE8vbTbxLSJIjfQQG5rFwyGkb8aDo9tt4dP9HWMyWbJBhCiB6N+IxEvjfgG
ysAOUlR+EEd07AuDM436uAlG+4xX1GlughNWSJuMxBLRfv4inJDo69Kk3MZkphhL
+yWggEIv1E/i8b6Z+xeDt58kf5+EP/VsYaeFfk5bkX4s9GQBvsg97Z2Xuh2UXAdT
Cn4f3NhvBoG+z/LZzwIDAQABo1MwUTAdBgNVHQ4EFgQUUIJvmQc6Z6xCWuDgd404
AH+Iu9swHwYDVR0jBBgwFoAUUIJvmQc6Z6xCWuDgd404AH+Iu9swDwYDVR0TAQH/
BAUwAwEB/zANBgkqhkiG9w0BAQsFAAOCAQEAsvXvXFiRVJw2+DhKN9xNBrpGT/xY
LGIL1j+U8qVerbJf1ZnvS9nkLsK26kRVfIoNGf1Hzq/Ep5/Dnb+p6Sluoo3IEaMg
+hnU6fd+6ALpT7fLkQilbQ98cpGDtRfa8aLJsdfBLFfGBfSjnsFSRo/9rQpjS78x
9KnvgO5rLkNs9ASbnDPeNnAz5EpQQaK5Ni/s426IQJioxNUOKk1vNhEK5hTsCIIM
c4k1XcweDvcplTzIzkxqXxQdOtf/MHocxCiqJNJupbAhI02974Ht0E9yxaWwBlc2
E4cOsD93HyM8pnVsOcZDhJqDFYOMDvfPrbXSESahFIq2nSEdZBRgjKc1xA==
-----END CERTIFICATE-----
`;

const bareBase64 = (pem: string) => pem.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, "");
const MESSAGE = "POST\n/v3/pay/transactions/native\n1800000000\nNONCE\n{\"a\":\"中文\"}\n";
const nodeSign = (privatePem: string) => createSign("RSA-SHA256").update(MESSAGE).sign(privatePem, "base64");

describe("importRsaPrivateKey", () => {
  it.each([
    ["PKCS#8 PEM", pkcs8.privateKey, pkcs8.privateKey],
    ["PKCS#1 PEM", pkcs1.privateKey, pkcs1.privateKey],
    ["bare base64 PKCS#8 (Alipay console)", bareBase64(pkcs8.privateKey), pkcs8.privateKey],
    ["bare base64 PKCS#1", bareBase64(pkcs1.privateKey), pkcs1.privateKey],
    ["PEM with literal \\n (one .dev.vars line)", pkcs8.privateKey.replace(/\n/g, "\\n"), pkcs8.privateKey],
  ])("%s signs byte-identically to node:crypto createSign('RSA-SHA256')", async (_name, text, nodePem) => {
    const key = await importRsaPrivateKey(text);
    expect(await rsaSha256Sign(key, MESSAGE)).toBe(nodeSign(nodePem));
  });

  it("refuses public keys, certificates and garbage", async () => {
    await expect(importRsaPrivateKey(pkcs8.publicKey)).rejects.toThrow(/private key/);
    await expect(importRsaPrivateKey(CERTIFICATE)).rejects.toThrow(/private key/);
    await expect(importRsaPrivateKey("not a key")).rejects.toThrow();
    await expect(importRsaPrivateKey("-----BEGIN PRIVATE KEY-----\nAAAA")).rejects.toThrow(/BEGIN\/END/);
  });
});

describe("importRsaPublicKey", () => {
  it.each([
    ["SPKI PEM", pkcs8.publicKey, pkcs8.privateKey],
    ["bare base64 SPKI (Alipay console)", bareBase64(pkcs8.publicKey), pkcs8.privateKey],
    ["PKCS#1 RSA PUBLIC KEY", pkcs1.publicKey, pkcs1.privateKey],
    ["bare base64 PKCS#1", bareBase64(pkcs1.publicKey), pkcs1.privateKey],
  ])("%s verifies node:crypto signatures", async (_name, text, privatePem) => {
    const key = await importRsaPublicKey(text);
    const signature = nodeSign(privatePem);
    expect(await rsaSha256Verify(key, MESSAGE, signature)).toBe(true);
    expect(await rsaSha256Verify(key, MESSAGE + " ", signature)).toBe(false);
  });

  it("our signatures verify with node:crypto", async () => {
    const signature = await rsaSha256Sign(await importRsaPrivateKey(pkcs8.privateKey), MESSAGE);
    expect(createVerify("RSA-SHA256").update(MESSAGE).verify(pkcs8.publicKey, signature, "base64")).toBe(true);
  });

  it("takes the SubjectPublicKeyInfo out of an X.509 certificate", async () => {
    const { der } = decodePem(CERTIFICATE);
    const expected = new X509Certificate(CERTIFICATE).publicKey.export({ type: "spki", format: "der" });
    expect(Buffer.from(spkiFromCertificate(der)).equals(expected)).toBe(true);
    const key = await importRsaPublicKey(CERTIFICATE);
    expect(key.type).toBe("public");
    expect(createPublicKey(CERTIFICATE).asymmetricKeyType).toBe("rsa");
  });

  it("refuses private keys and garbage", async () => {
    await expect(importRsaPublicKey(pkcs8.privateKey)).rejects.toThrow(/public key/);
    await expect(importRsaPublicKey("AAAA")).rejects.toThrow();
  });
});
