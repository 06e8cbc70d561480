#!/usr/bin/env python3
"""Generates botocore.json: requests signed by botocore's own SigV4 implementation.

Run from this directory with botocore installed (`pip install botocore`):

    python3 make_vectors.py            # writes botocore.json next to this script

Most vectors come from real botocore clients (cognito-idp, apigateway) pointed at a Gatehouse
endpoint URL; the request is captured at `before-send`, i.e. exactly as it would go on the wire,
after signing. The rest sign hand-built `AWSRequest`s with `SigV4Auth` to cover the Date header,
repeated headers, UNSIGNED-PAYLOAD and odd queries. The clock is frozen by patching
`botocore.auth.get_current_datetime` (what `SigV4Auth.add_auth` reads).

Each vector records the wire request (method, raw path, raw query, headers in order, body) and
the credentials; the Rust tests (tests/botocore_vectors.rs) verify them and tamper with them.
"""

import datetime
import hashlib
import json
import os
import sys
import uuid
from unittest import mock
from urllib.parse import urlsplit

import botocore
import botocore.auth
import botocore.session
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest, AWSResponse
from botocore.credentials import Credentials

ACCESS_KEY = "AKIAGATEHOUSETEST001"
SECRET_KEY = "gAtEhOuSe/SeCrEt+KeY0123456789abcdefGHIJ"
SESSION_TOKEN = "FwoGZXIvYXdzEXAMPLETOKEN//////////wEaDGatehouseSessionToken=="
NOW = datetime.datetime(2026, 11, 26, 12, 34, 56)
ENDPOINT = "http://localhost:3000"

HERE = os.path.dirname(os.path.abspath(__file__))


def wire_host(url):
    """The Host header urllib3 sends for this URL (port kept unless default)."""
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}[parts.scheme]
    host = parts.hostname
    if parts.port is not None and parts.port != default:
        host = f"{host}:{parts.port}"
    return host


def vector(name, description, method, url, headers, body, service, region,
           key=ACCESS_KEY, secret=SECRET_KEY, now=NOW):
    parts = urlsplit(url)
    wire_headers = [[k, v if isinstance(v, str) else v.decode("utf-8")] for k, v in headers]
    # botocore never signs User-Agent; pin it so that regenerating gives a stable file.
    wire_headers = [[k, f"Botocore/{botocore.__version__} (vector generator)"]
                    if k.lower() == "user-agent" else [k, v] for k, v in wire_headers]
    names = {k.lower() for k, _ in wire_headers}
    if "host" not in names:
        wire_headers.insert(0, ["Host", wire_host(url)])
    if "accept-encoding" not in names:
        wire_headers.append(["Accept-Encoding", "identity"])
    if body is None:
        body = b""
    if isinstance(body, str):
        body = body.encode("utf-8")
    auth = [v for k, v in wire_headers if k.lower() == "authorization"]
    assert len(auth) == 1, name
    return {
        "name": name,
        "description": description,
        "service": service,
        "region": region,
        "access_key_id": key,
        "secret_access_key": secret,
        "now": now.strftime("%Y%m%dT%H%M%SZ"),
        "method": method,
        "path": parts.path,
        "query": parts.query,
        "headers": wire_headers,
        "body": body.decode("utf-8"),
        "authorization": auth[0],
    }


def frozen(now=NOW):
    return mock.patch.object(botocore.auth, "get_current_datetime", return_value=now)


class Capture:
    """A before-send handler: records the prepared request and answers 200 {} without I/O."""

    def __init__(self):
        self.request = None

    def __call__(self, request, **kwargs):
        self.request = request
        raw = mock.Mock()
        raw.stream.return_value = iter([b"{}"])
        return AWSResponse(request.url, 200, {"Content-Type": "application/json"}, raw)


def client_vector(name, description, service, endpoint_path, region, call, token=None):
    session = botocore.session.get_session()
    client = session.create_client(
        service,
        region_name=region,
        endpoint_url=ENDPOINT + endpoint_path,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        aws_session_token=token,
    )
    capture = Capture()
    client.meta.events.register("before-send", capture)
    with frozen(), mock.patch("uuid.uuid4", return_value=uuid.UUID(int=42)):
        try:
            call(client)
        except Exception:  # the fake response may not parse for every operation; irrelevant
            pass
    req = capture.request
    assert req is not None, name
    headers = list(req.headers.items())
    return vector(name, description, req.method, req.url, headers, req.body, service, region)


def direct_vector(name, description, method, url, headers, body, service, region,
                  token=None, payload_signing=True, now=NOW):
    creds = Credentials(ACCESS_KEY, SECRET_KEY, token)
    request = AWSRequest(method=method, url=url, data=body)
    for k, v in headers:  # HTTPHeaders: assigning twice keeps both values
        request.headers[k] = v
    if not payload_signing:
        request.context["payload_signing_enabled"] = False
    with frozen(now):
        SigV4Auth(creds, service, region).add_auth(request)
    return vector(name, description, method, url, list(request.headers.items()), body,
                  service, region, now=now)


def aws_documented_example():
    """The IAM ListUsers GET from the AWS SigV4 documentation (create-signed-request), checked
    against botocore before it is written out. Note the documented secret has a '+' after
    'K7MDENG' (with a '/' there the signature is 33f5dad2...)."""
    creds = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    url = "https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08"
    request = AWSRequest(method="GET", url=url)
    request.headers["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8"
    request.headers["Host"] = "iam.amazonaws.com"
    now = datetime.datetime(2015, 8, 30, 12, 36, 0)
    with frozen(now):
        SigV4Auth(creds, "iam", "us-east-1").add_auth(request)
    return request, now


def main():
    vectors = []

    vectors.append(client_vector(
        "cognito_list_user_pools",
        "boto3-style cognito-idp ListUserPools (JSON 1.1, X-Amz-Target), endpoint /cognito-idp",
        "cognito-idp", "/cognito-idp", "us-east-1",
        lambda c: c.list_user_pools(MaxResults=10)))

    vectors.append(client_vector(
        "cognito_admin_create_user_eu",
        "cognito-idp AdminCreateUser with a non-ASCII attribute, region eu-west-1",
        "cognito-idp", "/cognito-idp/", "eu-west-1",
        lambda c: c.admin_create_user(
            UserPoolId="eu-west-1_AbCdEf123", Username="zoë@example.com",
            UserAttributes=[{"Name": "name", "Value": "Zoë Ünïcode"}],
            MessageAction="SUPPRESS")))

    vectors.append(client_vector(
        "cognito_with_session_token",
        "cognito-idp ListUsers signed with temporary credentials (X-Amz-Security-Token)",
        "cognito-idp", "/cognito-idp", "us-east-1",
        lambda c: c.list_users(UserPoolId="us-east-1_AbCdEf123", Limit=5),
        token=SESSION_TOKEN))

    vectors.append(client_vector(
        "apigateway_get_resources_embed",
        "apigateway GetResources with embed=methods and limit=25 (query string)",
        "apigateway", "/apigateway", "us-east-1",
        lambda c: c.get_resources(restApiId="abc123", embed=["methods"], limit=25)))

    vectors.append(client_vector(
        "apigateway_get_resource_encoded_path",
        "apigateway GetResource with path labels needing percent-encoding (double-encoded in "
        "the canonical URI)",
        "apigateway", "/apigateway", "us-east-1",
        lambda c: c.get_resource(restApiId="a b", resourceId="r/1+é~*")))

    vectors.append(client_vector(
        "apigateway_update_rest_api_patch",
        "apigateway UpdateRestApi: PATCH with a JSON body",
        "apigateway", "/apigateway", "us-west-2",
        lambda c: c.update_rest_api(restApiId="abc123", patchOperations=[
            {"op": "replace", "path": "/name", "value": "New name"},
            {"op": "replace", "path": "/description", "value": "with  spaces\tand tab"}])))

    vectors.append(client_vector(
        "apigateway_create_deployment_post",
        "apigateway CreateDeployment: POST with body and stage variables",
        "apigateway", "/apigateway", "us-east-1",
        lambda c: c.create_deployment(restApiId="abc123", stageName="prod",
                                      variables={"k": "v w"})))

    vectors.append(direct_vector(
        "direct_date_header",
        "SigV4Auth with a Date header instead of X-Amz-Date",
        "GET", ENDPOINT + "/apigateway/restapis", [("Date", "placeholder")], None,
        "apigateway", "us-east-1"))

    vectors.append(direct_vector(
        "direct_repeated_and_spaced_headers",
        "Repeated header names and values with runs of spaces (trimmed, collapsed, joined by ',')",
        "POST", ENDPOINT + "/cognito-idp/",
        [("X-Amz-Target", "AWSCognitoIdentityProviderService.ListUserPools"),
         ("Content-Type", "application/x-amz-json-1.1"),
         ("X-Gatehouse-Multi", "  first   value  "),
         ("x-gatehouse-multi", "second"),
         ("My-Header", "a   b    c")],
        b'{"MaxResults": 10}', "cognito-idp", "us-east-1"))

    vectors.append(direct_vector(
        "direct_odd_query",
        "A query needing sorting and encoding: repeated keys, empty value, encoded characters",
        "GET",
        ENDPOINT + "/apigateway/restapis?position=x%2By&limit=5&b=2&a=%2F%20z&a=1&empty=",
        [], None, "apigateway", "us-east-1"))

    vectors.append(direct_vector(
        "direct_dot_segments",
        "A path with '.', '..' and '//' (botocore removes them in the canonical URI)",
        "GET", ENDPOINT + "/apigateway//restapis/./abc/../abc123/", [], None,
        "apigateway", "us-east-1"))

    vectors.append(direct_vector(
        "direct_unsigned_payload",
        "payload signing disabled over https: X-Amz-Content-SHA256: UNSIGNED-PAYLOAD",
        "POST", "https://gatehouse.example.com/cognito-idp",
        [("X-Amz-Target", "AWSCognitoIdentityProviderService.ListUserPools"),
         ("Content-Type", "application/x-amz-json-1.1")],
        b'{"MaxResults": 10}', "cognito-idp", "us-east-1", payload_signing=False))

    body = b'{"authorizationType":"NONE"}'
    vectors.append(direct_vector(
        "direct_content_sha256_header",
        "An explicit X-Amz-Content-SHA256 header equal to the body hash",
        "PUT", ENDPOINT + "/apigateway/restapis/abc123/resources/r1/methods/GET",
        [("Content-Type", "application/json"),
         ("X-Amz-Content-SHA256", hashlib.sha256(body).hexdigest())],
        body, "apigateway", "us-east-1"))

    request, now = aws_documented_example()
    documented = "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
    got = request.headers["Authorization"].rsplit("Signature=", 1)[1]
    if got != documented:
        sys.exit(f"botocore disagrees with the documented AWS example: {got}")
    ex = vector("aws_docs_iam_list_users",
                "The AWS documentation's IAM ListUsers example (signature checked against botocore)",
                "GET", request.url, list(request.headers.items()), None, "iam", "us-east-1",
                key="AKIDEXAMPLE", secret="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", now=now)
    ex["headers"] = [h for h in ex["headers"] if h[0] != "Accept-Encoding"]
    vectors.append(ex)

    out = {
        "generator": "make_vectors.py",
        "botocore_version": botocore.__version__,
        "vectors": vectors,
    }
    path = os.path.join(HERE, "botocore.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=2, ensure_ascii=False)
        f.write("\n")
    print(f"wrote {len(vectors)} vectors to {path}")


if __name__ == "__main__":
    main()
