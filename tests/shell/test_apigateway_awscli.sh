#!/usr/bin/env bash
# The seed's API built with the AWS CLI (`aws cognito-idp`, `aws apigateway`) against a running
# Gatehouse, as a user migrating from AWS would script it: pool, client and user; API, resource,
# Cognito authorizer with a validation regex, method, MOCK integration rendering claims;
# TestInvokeAuthorizer; deployment; the invoke URL with curl (401, then 200 with claims).
#
# Run by `scripts/dev test` (with the Python checks), which starts `gatehouse serve` and sets
# GATEHOUSE_URL, GATEHOUSE_GATEWAY_URL, GATEHOUSE_ACCESS_KEY_ID and GATEHOUSE_SECRET_ACCESS_KEY;
# `aws` is the awscli pinned in tests/python/requirements.txt.
set -euo pipefail

: "${GATEHOUSE_URL:?}" "${GATEHOUSE_GATEWAY_URL:?}" "${GATEHOUSE_ACCESS_KEY_ID:?}" "${GATEHOUSE_SECRET_ACCESS_KEY:?}"
export AWS_ACCESS_KEY_ID="$GATEHOUSE_ACCESS_KEY_ID" AWS_SECRET_ACCESS_KEY="$GATEHOUSE_SECRET_ACCESS_KEY"
export AWS_DEFAULT_REGION=us-east-1 AWS_PAGER="" AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null

apigw() { aws --endpoint-url "$GATEHOUSE_URL/apigateway" apigateway "$@"; }
idp() { aws --endpoint-url "$GATEHOUSE_URL/cognito-idp" cognito-idp "$@"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
expect_eq() { [ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"; }
expect_contains() { case "$1" in *"$2"*) ;; *) fail "$3: '$1' lacks '$2'" ;; esac; }

# GET through the gateway; prints "status body". Until a new deployment is loaded (within a
# second) the gateway answers as AWS does for unknown routes (403 Missing Authentication Token):
# retried.
invoke() {
  local url=$1 token=${2:-} out status
  for _ in $(seq 1 50); do
    if [ -n "$token" ]; then
      out=$(curl -s -w '\n%{http_code}' -H "Authorization: $token" "$url")
    else
      out=$(curl -s -w '\n%{http_code}' "$url")
    fi
    status=${out##*$'\n'}
    case "$status ${out%$'\n'*}" in
      404*|"403 "*"Missing Authentication Token"*) ;;
      *) break ;;
    esac
    sleep 0.1
  done
  echo "$status ${out%$'\n'*}"
}

# --- the user pool --------------------------------------------------------------------------
pool_id=$(idp create-user-pool --pool-name cli-seed --query UserPool.Id --output text)
arn=$(idp describe-user-pool --user-pool-id "$pool_id" --query UserPool.Arn --output text)
client_id=$(idp create-user-pool-client --user-pool-id "$pool_id" --client-name web \
  --explicit-auth-flows ALLOW_USER_PASSWORD_AUTH ALLOW_REFRESH_TOKEN_AUTH \
  --query UserPoolClient.ClientId --output text)
idp admin-create-user --user-pool-id "$pool_id" --username dave --temporary-password 'Tmp-Passw0rd!' \
  --message-action SUPPRESS --user-attributes Name=email,Value=dave@example.com >/dev/null
idp admin-set-user-password --user-pool-id "$pool_id" --username dave --password 'Seed-Passw0rd!' --permanent
id_token=$(idp initiate-auth --client-id "$client_id" --auth-flow USER_PASSWORD_AUTH \
  --auth-parameters 'USERNAME=dave,PASSWORD=Seed-Passw0rd!' --query AuthenticationResult.IdToken --output text)

# --- the API ----------------------------------------------------------------------------------
api_id=$(apigw create-rest-api --name cli-seed --description 'built with the AWS CLI' --query id --output text)
root=$(apigw get-resources --rest-api-id "$api_id" --query 'items[?path==`/`].id' --output text)
pets=$(apigw create-resource --rest-api-id "$api_id" --parent-id "$root" --path-part pets --query id --output text)
authorizer=$(apigw create-authorizer --rest-api-id "$api_id" --name MyUserPool --type COGNITO_USER_POOLS \
  --provider-arns "$arn" --identity-source method.request.header.Authorization \
  --identity-validation-expression "^${client_id}\$" --query id --output text)
apigw put-method --rest-api-id "$api_id" --resource-id "$pets" --http-method GET \
  --authorization-type COGNITO_USER_POOLS --authorizer-id "$authorizer" >/dev/null
apigw put-integration --rest-api-id "$api_id" --resource-id "$pets" --http-method GET --type MOCK \
  --request-templates '{"application/json": "{\"statusCode\": 200}"}' >/dev/null
apigw put-method-response --rest-api-id "$api_id" --resource-id "$pets" --http-method GET --status-code 200 >/dev/null
apigw put-integration-response --rest-api-id "$api_id" --resource-id "$pets" --http-method GET --status-code 200 \
  --selection-pattern '' \
  --response-templates '{"application/json": "{\"email\": \"$context.authorizer.claims.email\"}"}' >/dev/null

expect_eq "$(apigw get-method --rest-api-id "$api_id" --resource-id "$pets" --http-method GET \
  --query methodIntegration.type --output text)" MOCK "get-method"
expect_eq "$(apigw get-resources --rest-api-id "$api_id" --embed methods \
  --query 'items[?path==`/pets`].resourceMethods.GET.authorizerId' --output text)" "$authorizer" "get-resources --embed methods"

# --- TestInvokeAuthorizer ---------------------------------------------------------------------
expect_eq "$(apigw test-invoke-authorizer --rest-api-id "$api_id" --authorizer-id "$authorizer" \
  --headers "{\"Authorization\": \"$id_token\"}" --query clientStatus --output text)" 0 "valid token"
expect_eq "$(apigw test-invoke-authorizer --rest-api-id "$api_id" --authorizer-id "$authorizer" \
  --headers "{\"Authorization\": \"$id_token\"}" --query claims.email --output text)" dave@example.com "claims"
expect_eq "$(apigw test-invoke-authorizer --rest-api-id "$api_id" --authorizer-id "$authorizer" \
  --headers '{"Authorization": "Bearer not-a-token"}' --query clientStatus --output text)" 401 "invalid token"

# --- TestInvokeMethod: the working copy, before any deployment ---------------------------------
expect_eq "$(apigw test-invoke-method --rest-api-id "$api_id" --resource-id "$pets" --http-method GET \
  --path-with-query-string /pets --headers "{\"Authorization\": \"$id_token\"}" --query status --output text)" 200 "test-invoke-method"
expect_eq "$(apigw test-invoke-method --rest-api-id "$api_id" --resource-id "$pets" --http-method GET \
  --query status --output text)" 401 "test-invoke-method without a token"

# --- deploy and call --------------------------------------------------------------------------
deployment=$(apigw create-deployment --rest-api-id "$api_id" --stage-name prod --query id --output text)
expect_eq "$(apigw get-stage --rest-api-id "$api_id" --stage-name prod --query deploymentId --output text)" \
  "$deployment" "get-stage"
apigw update-stage --rest-api-id "$api_id" --stage-name prod \
  --patch-operations op=replace,path=/variables/tier,value=gold >/dev/null
expect_eq "$(apigw get-stages --rest-api-id "$api_id" --query 'item[0].variables.tier' --output text)" gold "variables"

read -r status body <<<"$(invoke "$GATEHOUSE_GATEWAY_URL/$api_id/prod/pets")"
expect_eq "$status" 401 "no token"
read -r status body <<<"$(invoke "$GATEHOUSE_GATEWAY_URL/$api_id/prod/pets" "$id_token")"
expect_eq "$status" 200 "ID token"
expect_eq "$body" '{"email": "dave@example.com"}' "claims rendered"

# --- errors the CLI reports -------------------------------------------------------------------
if out=$(apigw get-rest-api --rest-api-id nosuchapi0 2>&1); then fail "get-rest-api of a missing API succeeded"; fi
expect_contains "$out" "NotFoundException" "missing API"
if out=$(apigw get-api-keys 2>&1); then fail "get-api-keys succeeded"; fi
expect_contains "$out" "NotImplementedException" "unsupported operation"
expect_contains "$out" "GetApiKeys" "unsupported operation names itself"
if out=$(AWS_SECRET_ACCESS_KEY=not-the-secret apigw get-rest-apis 2>&1); then fail "a wrong secret was accepted"; fi
expect_contains "$out" "InvalidSignatureException" "wrong secret"

apigw delete-rest-api --rest-api-id "$api_id"

# --- the seed's Swagger example: import, deploy, call, export ---------------------------------
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/seed.json" <<JSON
{
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
              "responseTemplates": {"application/json": "{\\"email\\": \\"\$context.authorizer.claims.email\\"}"}
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
      "x-amazon-apigateway-authorizer": {"type": "cognito_user_pools", "providerARNs": ["$arn"]}
    }
  }
}
JSON
imported=$(apigw import-rest-api --fail-on-warnings --body "fileb://$work/seed.json" --query id --output text)
expect_eq "$(apigw get-authorizers --rest-api-id "$imported" --query 'items[0].name' --output text)" MyUserPool "imported authorizer"
apigw create-deployment --rest-api-id "$imported" --stage-name prod >/dev/null
read -r status body <<<"$(invoke "$GATEHOUSE_GATEWAY_URL/$imported/prod/")"
expect_eq "$status" 401 "imported API without a token"
read -r status body <<<"$(invoke "$GATEHOUSE_GATEWAY_URL/$imported/prod/" "$id_token")"
expect_eq "$status $body" '200 {"email": "dave@example.com"}' "imported API with an ID token"
apigw get-export --rest-api-id "$imported" --stage-name prod --export-type swagger \
  --parameters '{"extensions": "integrations,authorizers"}' --accepts application/json "$work/export.json" >/dev/null
expect_eq "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["securityDefinitions"]["MyUserPool"]["x-amazon-apigateway-authorizer"]["providerARNs"][0])' "$work/export.json")" \
  "$arn" "exported authorizer"
apigw get-export --rest-api-id "$imported" --stage-name prod --export-type oas30 --accepts application/yaml "$work/export.yaml" >/dev/null
expect_contains "$(head -1 "$work/export.yaml")" "openapi: 3.0" "YAML export"
apigw delete-rest-api --rest-api-id "$imported"
echo "apigateway AWS CLI checks passed"
