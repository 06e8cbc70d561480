"""boto3's apigateway client against a running Gatehouse: the seed's API built end to end, as a
user migrating from AWS would script it.

Run by `scripts/dev test`, which starts `gatehouse serve` and sets GATEHOUSE_URL,
GATEHOUSE_GATEWAY_URL, GATEHOUSE_ACCESS_KEY_ID and GATEHOUSE_SECRET_ACCESS_KEY.
"""

import json
import os
import time
import urllib.error
import urllib.request

import boto3
from botocore.exceptions import ClientError

URL = os.environ["GATEHOUSE_URL"].rstrip("/")
GATEWAY = os.environ["GATEHOUSE_GATEWAY_URL"].rstrip("/")
CREDENTIALS = dict(
    region_name="us-east-1",
    aws_access_key_id=os.environ["GATEHOUSE_ACCESS_KEY_ID"],
    aws_secret_access_key=os.environ["GATEHOUSE_SECRET_ACCESS_KEY"],
)
CLAIMS_TEMPLATE = (
    '{"sub": "$context.authorizer.claims.sub", '
    '"email": "$context.authorizer.claims.email", '
    '"role": "$context.authorizer.claims[\'custom:role\']"}'
)


# The seed's Swagger definition; `{comma}` is where the seed has its stray trailing comma.
SEED_SWAGGER = """{
  "swagger": "2.0",
  "info": {"title": "SeedApi", "version": "2026-11-26"},
  "paths": {
    "/": {
      "get": {
        "produces": ["application/json"],
        "responses": {"200": {"description": "200 response"}},
        "security": [{"MyUserPool": []}],
        "x-amazon-apigateway-integration": {
          "type": "mock",
          "requestTemplates": {"application/json": "{\\"statusCode\\": 200}"},
          "responses": {
            "default": {
              "statusCode": "200",
              "responseTemplates": {
                "application/json": "{\\"email\\": \\"$context.authorizer.claims.email\\"}"
              }
            }
          },
          "passthroughBehavior": "when_no_match"
        }
      }
    }
  },
  "securityDefinitions": {
    "MyUserPool": {
      "type": "apiKey",
      "name": "Authorization",
      "in": "header",
      "x-amazon-apigateway-authtype": "cognito_user_pools",
      "x-amazon-apigateway-authorizer": {
        "type": "cognito_user_pools",
        "providerARNs": ["{arn}"]{comma}
      }
    }
  }
}
"""


def expect_error(code, fn, **kwargs):
    try:
        fn(**kwargs)
    except ClientError as e:
        assert e.response["Error"]["Code"] == code, e.response["Error"]
        return e.response
    raise AssertionError(f"expected {code}")


def invoke(url, token=None, attempts=50):
    """GET `url` through the gateway. Until a new deployment is loaded (within a second), the
    gateway answers as AWS does for unknown routes (403 Missing Authentication Token): retried."""
    headers = {"Authorization": token} if token else {}
    for _ in range(attempts):
        request = urllib.request.Request(url, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=5) as res:
                return res.status, res.read().decode()
        except urllib.error.HTTPError as e:
            body = e.read().decode()
            if not loading(e.code, body):
                return e.code, body
        time.sleep(0.1)
    return e.code, body


def loading(status, body):
    return status == 404 or (status == 403 and "Missing Authentication Token" in body)


def user_pool(idp):
    """The seed's pool, app client and user; returns (pool ARN, client id, ID token, access token)."""
    pool = idp.create_user_pool(
        PoolName="seed",
        Schema=[{"Name": "role", "AttributeDataType": "String", "Mutable": True}],
    )["UserPool"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool["Id"],
        ClientName="web",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    idp.admin_create_user(
        UserPoolId=pool["Id"],
        Username="carol",
        TemporaryPassword="Tmp-Passw0rd!",
        MessageAction="SUPPRESS",
        UserAttributes=[
            {"Name": "email", "Value": "carol@example.com"},
            {"Name": "custom:role", "Value": "admin"},
        ],
    )
    idp.admin_set_user_password(
        UserPoolId=pool["Id"], Username="carol", Password="Seed-Passw0rd!", Permanent=True
    )
    auth = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "carol", "PASSWORD": "Seed-Passw0rd!"},
    )["AuthenticationResult"]
    return pool["Arn"], client_id, auth["IdToken"], auth["AccessToken"]


def build_seed_api(apigw, arn, client_id):
    """The seed's API: GET /pets guarded by a Cognito authorizer, MOCK integration rendering claims."""
    api = apigw.create_rest_api(name="PetStore", description="the seed, from boto3")
    api_id, root = api["id"], api["rootResourceId"]
    assert isinstance(api["createdDate"].year, int)
    pets = apigw.create_resource(restApiId=api_id, parentId=root, pathPart="pets")
    assert pets["path"] == "/pets", pets
    authorizer = apigw.create_authorizer(
        restApiId=api_id,
        name="MyUserPool",
        type="COGNITO_USER_POOLS",
        providerARNs=[arn],
        identitySource="method.request.header.Authorization",
        identityValidationExpression=f"^{client_id}$",
    )
    assert authorizer["authorizerResultTtlInSeconds"] == 300, authorizer
    method = apigw.put_method(
        restApiId=api_id,
        resourceId=pets["id"],
        httpMethod="GET",
        authorizationType="COGNITO_USER_POOLS",
        authorizerId=authorizer["id"],
    )
    assert method["authorizationType"] == "COGNITO_USER_POOLS", method
    integration = apigw.put_integration(
        restApiId=api_id,
        resourceId=pets["id"],
        httpMethod="GET",
        type="MOCK",
        requestTemplates={"application/json": '{"statusCode": 200}'},
    )
    assert integration["passthroughBehavior"] == "WHEN_NO_MATCH", integration
    apigw.put_method_response(
        restApiId=api_id, resourceId=pets["id"], httpMethod="GET", statusCode="200"
    )
    apigw.put_integration_response(
        restApiId=api_id,
        resourceId=pets["id"],
        httpMethod="GET",
        statusCode="200",
        selectionPattern="",
        responseTemplates={"application/json": CLAIMS_TEMPLATE},
    )
    return api_id, pets["id"], authorizer["id"]


def check_reads(apigw, api_id, pets_id, authorizer_id):
    """What was built reads back in botocore's shapes (lists under `items`)."""
    assert api_id in [a["id"] for a in apigw.get_rest_apis()["items"]]
    pages = list(apigw.get_paginator("get_rest_apis").paginate(PaginationConfig={"PageSize": 1}))
    assert api_id in [a["id"] for p in pages for a in p["items"]]
    resources = apigw.get_resources(restApiId=api_id, embed=["methods"])["items"]
    pets = next(r for r in resources if r["path"] == "/pets")
    get = pets["resourceMethods"]["GET"]
    assert get["authorizerId"] == authorizer_id, get
    assert get["methodIntegration"]["integrationResponses"]["200"]["responseTemplates"] == {
        "application/json": CLAIMS_TEMPLATE
    }
    assert apigw.get_method(restApiId=api_id, resourceId=pets_id, httpMethod="GET")[
        "methodIntegration"
    ]["type"] == "MOCK"
    assert [a["name"] for a in apigw.get_authorizers(restApiId=api_id)["items"]] == ["MyUserPool"]
    updated = apigw.update_authorizer(
        restApiId=api_id,
        authorizerId=authorizer_id,
        patchOperations=[{"op": "replace", "path": "/authorizerResultTtlInSeconds", "value": "60"}],
    )
    assert updated["authorizerResultTtlInSeconds"] == 60, updated


def check_test_invoke_authorizer(apigw, api_id, authorizer_id, id_token, access_token):
    allowed = apigw.test_invoke_authorizer(
        restApiId=api_id, authorizerId=authorizer_id, headers={"Authorization": id_token}
    )
    assert allowed["clientStatus"] == 0, allowed
    assert allowed["claims"]["email"] == "carol@example.com", allowed
    assert allowed["claims"]["custom:role"] == "admin", allowed
    assert "Authorizer result: Allow" in allowed["log"], allowed["log"]
    assert isinstance(allowed["latency"], int)

    tampered = id_token[:-4] + ("AAAA" if not id_token.endswith("AAAA") else "BBBB")
    denied = apigw.test_invoke_authorizer(
        restApiId=api_id, authorizerId=authorizer_id, headers={"Authorization": tampered}
    )
    assert denied["clientStatus"] == 401, denied
    assert "Signature FAILED" in denied["log"], denied["log"]
    assert "claims" not in denied
    # The validation regex is matched against the ID token's aud: access tokens never pass.
    access = apigw.test_invoke_authorizer(
        restApiId=api_id,
        authorizerId=authorizer_id,
        headers={"Authorization": f"Bearer {access_token}"},
    )
    assert access["clientStatus"] == 401, access


def check_test_invoke_method(apigw, api_id, pets_id, id_token):
    """TestInvokeMethod runs the working copy, authorizer included, before any deployment."""
    denied = apigw.test_invoke_method(restApiId=api_id, resourceId=pets_id, httpMethod="GET")
    assert denied["status"] == 401, denied
    allowed = apigw.test_invoke_method(
        restApiId=api_id,
        resourceId=pets_id,
        httpMethod="GET",
        pathWithQueryString="/pets",
        headers={"Authorization": id_token},
    )
    assert allowed["status"] == 200, allowed
    assert json.loads(allowed["body"])["email"] == "carol@example.com", allowed
    assert "Method completed with status: 200" in allowed["log"], allowed["log"]
    expect_error(
        "NotFoundException",
        apigw.test_invoke_method,
        restApiId=api_id,
        resourceId=pets_id,
        httpMethod="DELETE",
    )


def check_deployment_and_invoke(apigw, api_id, id_token):
    deployment = apigw.create_deployment(restApiId=api_id, stageName="prod", description="v1")
    stage = apigw.get_stage(restApiId=api_id, stageName="prod")
    assert stage["deploymentId"] == deployment["id"], stage
    assert [d["id"] for d in apigw.get_deployments(restApiId=api_id)["items"]] == [deployment["id"]]
    stage = apigw.update_stage(
        restApiId=api_id,
        stageName="prod",
        patchOperations=[{"op": "replace", "path": "/variables/tier", "value": "gold"}],
    )
    assert stage["variables"] == {"tier": "gold"}, stage
    assert [s["stageName"] for s in apigw.get_stages(restApiId=api_id)["item"]] == ["prod"]

    url = f"{GATEWAY}/{api_id}/prod/pets"
    status, body = invoke(url)
    assert status == 401, (status, body)
    assert json.loads(body) == {"message": "Unauthorized"}, body
    status, body = invoke(url, id_token)
    assert status == 200, (status, body)
    claims = json.loads(body)
    assert claims["email"] == "carol@example.com", claims
    assert claims["role"] == "admin", claims


def check_errors(apigw, api_id):
    response = expect_error("NotFoundException", apigw.get_rest_api, restApiId="nosuchapi0")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 404
    expect_error(
        "BadRequestException",
        apigw.create_resource,
        restApiId=api_id,
        parentId=apigw.get_rest_api(restApiId=api_id)["rootResourceId"],
        pathPart="not a path part",
    )
    expect_error(
        "ConflictException",
        apigw.create_stage,
        restApiId=api_id,
        stageName="prod",
        deploymentId=apigw.get_stage(restApiId=api_id, stageName="prod")["deploymentId"],
    )
    message = expect_error("NotImplementedException", apigw.get_api_keys)["Error"]["Message"]
    assert "GetApiKeys" in message, message
    bad = boto3.client(
        "apigateway",
        endpoint_url=f"{URL}/apigateway",
        region_name="us-east-1",
        aws_access_key_id=os.environ["GATEHOUSE_ACCESS_KEY_ID"],
        aws_secret_access_key="not-the-secret",
    )
    expect_error("InvalidSignatureException", bad.get_rest_apis)


def check_import_export(apigw, arn, id_token):
    """The seed's Swagger example: refused verbatim (line and column named), imported once fixed,
    deployed, called, exported."""
    broken = SEED_SWAGGER.replace("{arn}", arn).replace("{comma}", ",")
    message = expect_error("BadRequestException", apigw.import_rest_api, body=broken.encode())
    message = message["Error"]["Message"]
    line = next(i for i, text in enumerate(broken.split("\n"), 1) if "providerARNs" in text)
    column = broken.split("\n")[line - 1].rindex(",") + 1
    assert f"line {line}, column {column}" in message and "trailing comma" in message, message

    fixed = SEED_SWAGGER.replace("{arn}", arn).replace("{comma}", "")
    api = apigw.import_rest_api(body=fixed.encode(), failOnWarnings=True)
    api_id = api["id"]
    assert api["name"] == "SeedApi", api
    authorizers = apigw.get_authorizers(restApiId=api_id)["items"]
    assert [(a["name"], a["providerARNs"]) for a in authorizers] == [("MyUserPool", [arn])], authorizers
    root = apigw.get_resources(restApiId=api_id, embed=["methods"])["items"][0]
    assert root["path"] == "/", root
    get = root["resourceMethods"]["GET"]
    assert get["authorizationType"] == "COGNITO_USER_POOLS", get
    assert get["authorizerId"] == authorizers[0]["id"], get
    assert get["methodIntegration"]["type"] == "MOCK", get

    apigw.create_deployment(restApiId=api_id, stageName="prod")
    status, _ = invoke(f"{GATEWAY}/{api_id}/prod/")
    assert status == 401, status
    status, body = invoke(f"{GATEWAY}/{api_id}/prod/", id_token)
    assert (status, json.loads(body)) == (200, {"email": "carol@example.com"}), (status, body)

    exported = apigw.get_export(
        restApiId=api_id,
        stageName="prod",
        exportType="swagger",
        parameters={"extensions": "integrations,authorizers"},
        accepts="application/json",
    )
    assert exported["contentType"] == "application/json", exported
    assert "attachment" in exported["contentDisposition"], exported
    doc = json.loads(exported["body"].read())
    assert doc["swagger"] == "2.0", doc
    scheme = doc["securityDefinitions"]["MyUserPool"]
    assert scheme["x-amazon-apigateway-authorizer"]["providerARNs"] == [arn], scheme
    assert doc["paths"]["/"]["get"]["x-amazon-apigateway-integration"]["type"] == "mock", doc
    yaml = apigw.get_export(
        restApiId=api_id, stageName="prod", exportType="oas30", accepts="application/yaml"
    )
    text = yaml["body"].read().decode()
    assert text.startswith("openapi: 3.0"), text[:80]
    expect_error(
        "BadRequestException",
        apigw.get_export,
        restApiId=api_id,
        stageName="prod",
        exportType="raml",
    )

    # PutRestApi merge adds to the API; overwrite makes it exactly the document again.
    merged = json.loads(fixed)
    merged["paths"]["/pets"] = {
        "get": {
            "responses": {"200": {"description": "ok"}},
            "x-amazon-apigateway-integration": {
                "type": "mock",
                "requestTemplates": {"application/json": '{"statusCode": 200}'},
                "responses": {"default": {"statusCode": "200"}},
            },
        }
    }
    apigw.put_rest_api(restApiId=api_id, mode="merge", body=json.dumps(merged).encode())
    paths = sorted(r["path"] for r in apigw.get_resources(restApiId=api_id)["items"])
    assert paths == ["/", "/pets"], paths
    apigw.put_rest_api(restApiId=api_id, mode="overwrite", body=fixed.encode())
    paths = sorted(r["path"] for r in apigw.get_resources(restApiId=api_id)["items"])
    assert paths == ["/"], paths
    apigw.delete_rest_api(restApiId=api_id)


def main():
    idp = boto3.client("cognito-idp", endpoint_url=f"{URL}/cognito-idp", **CREDENTIALS)
    apigw = boto3.client("apigateway", endpoint_url=f"{URL}/apigateway", **CREDENTIALS)

    arn, client_id, id_token, access_token = user_pool(idp)
    api_id, pets_id, authorizer_id = build_seed_api(apigw, arn, client_id)
    check_reads(apigw, api_id, pets_id, authorizer_id)
    check_test_invoke_authorizer(apigw, api_id, authorizer_id, id_token, access_token)
    check_test_invoke_method(apigw, api_id, pets_id, id_token)
    check_deployment_and_invoke(apigw, api_id, id_token)
    check_errors(apigw, api_id)
    check_import_export(apigw, arn, id_token)

    apigw.delete_rest_api(restApiId=api_id)
    expect_error("NotFoundException", apigw.get_rest_api, restApiId=api_id)
    print("apigateway boto3 checks passed")


if __name__ == "__main__":
    main()
