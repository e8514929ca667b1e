// Baseline for `make bench`: presign the same S3 request as the Go
// benchmarks with the AWS SDK for JavaScript v3 (@aws-sdk/s3-request-presigner,
// pinned in package.json).
//
// Prints one JSON object per operation: {"name", "ns_per_op", "rounds", "iterations"},
// where ns_per_op is the median over rounds of the mean time per presign.
import { S3Client, GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";

const BUCKET = "securestore-bench-123456789012-us-east-1";
const KEY = "users/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0/reports/2026/q3.pdf";
const CHECKSUM = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const iterations = arg("iterations", 2000);
const rounds = arg("rounds", 5);

const client = new S3Client({
  region: "us-east-1",
  credentials: { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
});
const ops = {
  get: () => getSignedUrl(client, new GetObjectCommand({ Bucket: BUCKET, Key: KEY }), { expiresIn: 300 }),
  put: () =>
    getSignedUrl(
      client,
      new PutObjectCommand({ Bucket: BUCKET, Key: KEY, ContentType: "application/pdf", ContentLength: 1048576, ChecksumSHA256: CHECKSUM }),
      { expiresIn: 300 },
    ),
};

for (const [name, op] of Object.entries(ops)) {
  const url = await op();
  if (!url.includes("X-Amz-Signature=")) throw new Error(`sdk v3 ${name}: no signature in ${url}`);
  for (let i = 0; i < iterations / 10; i++) await op(); // warm up
  const perOp = [];
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) await op();
    perOp.push(Number(process.hrtime.bigint() - start) / iterations);
  }
  perOp.sort((a, b) => a - b);
  console.log(JSON.stringify({ name, ns_per_op: perOp[Math.floor(rounds / 2)], rounds, iterations }));
}
