#!/usr/bin/env python3
"""Conformance of ledgersync-sim's ModelRouter API with Alibaba Cloud's own Python SDK.

Usage: aicontent_sdk_check.py PATH/TO/ledgersync-sim

Starts the simulator on a free loopback port, then uses alibabacloud-aicontent20240611 (the reference client) to
read a balance, page through the client list, read balance logs, and check that a wrong secret is refused. If the
SDK's signed requests are accepted and its wrong ones refused, the simulator speaks the protocol, and so does
LedgerSync's signer, which the simulator's verifier shares with the unit-tested vector.
"""
import re
import subprocess
import sys
from decimal import Decimal

from alibabacloud_aicontent20240611 import models
from alibabacloud_aicontent20240611.client import Client
from alibabacloud_tea_openapi import models as open_api_models

CLIENTS = 7
results = []


def check(name, condition, detail=""):
    results.append(condition)
    print(f"{'ok  ' if condition else 'FAIL'} {name}{': ' + detail if detail else ''}", flush=True)


def client_for(port, secret):
    config = open_api_models.Config(
        access_key_id="sim-access-key-id", access_key_secret=secret,
        endpoint=f"127.0.0.1:{port}", protocol="http")
    return Client(config)


def main():
    sim = subprocess.Popen(
        [sys.argv[1], "--port", "0", "--clients", str(CLIENTS), "--seed", "7"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = sim.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)", line)
        if not match:
            print(f"FAIL the simulator did not start: {line!r}")
            return 1
        port = int(match.group(1))
        sdk = client_for(port, "sim-access-key-secret")

        balance = sdk.model_router_get_client_balance("1001", models.ModelRouterGetClientBalanceRequest())
        data = balance.body.data
        check("GetClientBalance succeeds", balance.body.success is True and balance.status_code == 200,
              f"client {data.client_id}, balance {data.balance} {data.balance_type}, modified {data.gmt_modified}")
        check("balance belongs to the client asked for", data.client_id == 1001)

        seen, token, pages = [], None, 0
        while pages < 20:
            request = models.ModelRouterQueryClientListRequest(page_size=3, max_results=3, next_token=token,
                                                               need_total_count=True, page_index=pages + 1)
            page = sdk.model_router_query_client_list(request).body.data
            pages += 1
            seen.extend(item.id for item in page.list)
            token = page.next_token
            if not token:
                break
        check("QueryClientList pages to the end", sorted(seen) == list(range(1001, 1001 + CLIENTS)),
              f"{len(seen)} clients in {pages} pages")

        # Token paging alone, as the SDK's own examples page: maxResults and nextToken, no pageSize.
        seen, token, sizes = [], None, []
        while len(sizes) < 20:
            page = sdk.model_router_query_client_list(
                models.ModelRouterQueryClientListRequest(max_results=2, next_token=token)).body.data
            sizes.append(len(page.list))
            seen.extend(item.id for item in page.list)
            token = page.next_token
            if not token:
                break
        check("QueryClientList honours maxResults alone, page by page",
              sorted(seen) == list(range(1001, 1001 + CLIENTS)) and max(sizes) == 2,
              f"page sizes {sizes}")

        # Index paging alone: pageIndex and pageSize, no token.
        seen, sizes = [], []
        for index in range(1, 20):
            page = sdk.model_router_query_client_list(
                models.ModelRouterQueryClientListRequest(page_index=index, page_size=3)).body.data
            if not page.list:
                break
            sizes.append(len(page.list))
            seen.extend(item.id for item in page.list)
        check("QueryClientList honours pageIndex and pageSize",
              sorted(seen) == list(range(1001, 1001 + CLIENTS)) and max(sizes) == 3,
              f"page sizes {sizes}")

        logs = sdk.model_router_get_client_balance_logs(
            "1001", models.ModelRouterGetClientBalanceLogsRequest(page=1, size=50)).body.data
        total = sum(Decimal(str(entry.change_amount)) for entry in logs.list)
        check("GetClientBalanceLogs lists movements that add up to the balance",
              len(logs.list) >= 1 and total == Decimal(str(data.balance)),
              f"{len(logs.list)} entries, sum {total}")

        wrong = client_for(port, "not-the-secret")
        try:
            wrong.model_router_get_client_balance("1001", models.ModelRouterGetClientBalanceRequest())
            check("a wrong secret is refused", False, "the request was accepted")
        except Exception as error:  # the SDK raises TeaException
            code = getattr(error, "code", "")
            check("a wrong secret is refused", code == "SignatureDoesNotMatch", f"{code}: {getattr(error, 'message', error)}")
    finally:
        sim.terminate()
        sim.wait(timeout=10)
    passed = sum(results)
    failed = len(results) - passed
    print(f"conformance: {passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
