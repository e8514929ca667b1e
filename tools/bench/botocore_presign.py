"""Baseline for `make bench`: presign the same S3 request as the Go
benchmarks with botocore's generate_presigned_url, the approach of the
tiered-access design securestore grew from.

Prints one JSON object per operation: {"name", "ns_per_op", "rounds", "iterations"},
where ns_per_op is the median over rounds of the mean time per presign.
"""

import argparse
import json
import statistics
import time

import botocore.session
from botocore.config import Config

BUCKET = "securestore-bench-123456789012-us-east-1"
KEY = "users/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0/reports/2026/q3.pdf"
CHECKSUM = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    session = botocore.session.get_session()
    client = session.create_client(
        "s3",
        region_name="us-east-1",
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        # SigV4 like the Go and Node presigners (botocore would otherwise
        # presign us-east-1 with the retired SigV2).
        config=Config(signature_version="s3v4"),
    )
    ops = {
        "get": lambda: client.generate_presigned_url(
            "get_object", Params={"Bucket": BUCKET, "Key": KEY}, ExpiresIn=300
        ),
        "put": lambda: client.generate_presigned_url(
            "put_object",
            Params={"Bucket": BUCKET, "Key": KEY, "ContentType": "application/pdf", "ContentLength": 1048576, "ChecksumSHA256": CHECKSUM},
            ExpiresIn=300,
        ),
    }
    for name, op in ops.items():
        url = op()
        if "X-Amz-Signature=" not in url:
            raise SystemExit(f"botocore {name}: no signature in {url}")
        for _ in range(args.iterations // 10):  # warm up
            op()
        per_op = []
        for _ in range(args.rounds):
            start = time.perf_counter_ns()
            for _ in range(args.iterations):
                op()
            per_op.append((time.perf_counter_ns() - start) / args.iterations)
        print(json.dumps({"name": name, "ns_per_op": statistics.median(per_op),
                          "rounds": args.rounds, "iterations": args.iterations}))


if __name__ == "__main__":
    main()
