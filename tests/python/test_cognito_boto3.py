"""boto3's cognito-idp client against a running Gatehouse, as a user migrating from AWS would use it.

Run by `scripts/dev test`, which starts `gatehouse serve` and sets GATEHOUSE_URL,
GATEHOUSE_ACCESS_KEY_ID and GATEHOUSE_SECRET_ACCESS_KEY.
"""

import base64
import hashlib
import hmac
import json
import os
import sys
import urllib.request

import boto3
import jwt
from botocore import UNSIGNED
from cryptography import x509
from cryptography.x509.oid import NameOID
from botocore.config import Config
from botocore.exceptions import ClientError

URL = os.environ["GATEHOUSE_URL"].rstrip("/")
ENDPOINT = f"{URL}/cognito-idp"


def client(signed=True):
    kwargs = dict(
        endpoint_url=ENDPOINT,
        region_name="us-east-1",
        aws_access_key_id=os.environ["GATEHOUSE_ACCESS_KEY_ID"],
        aws_secret_access_key=os.environ["GATEHOUSE_SECRET_ACCESS_KEY"],
    )
    if not signed:
        kwargs["config"] = Config(signature_version=UNSIGNED)
    return boto3.client("cognito-idp", **kwargs)


def secret_hash(username, client_id, client_secret):
    digest = hmac.new(client_secret.encode(), (username + client_id).encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def expect_error(code, fn, **kwargs):
    try:
        fn(**kwargs)
    except ClientError as e:
        assert e.response["Error"]["Code"] == code, e.response["Error"]
        return e.response["Error"]["Message"]
    raise AssertionError(f"expected {code}")


def main():
    idp = client()

    pool = idp.create_user_pool(
        PoolName="boto3-pool",
        Schema=[{"Name": "role", "AttributeDataType": "String", "Mutable": True}],
    )["UserPool"]
    pool_id = pool["Id"]
    assert pool_id.startswith("us-east-1_"), pool_id
    assert pool["Arn"].endswith(f":userpool/{pool_id}")
    assert isinstance(pool["CreationDate"].timestamp(), float)  # botocore parsed an epoch number

    app = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="web",
        GenerateSecret=True,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]
    client_id, client_secret = app["ClientId"], app["ClientSecret"]
    assert len(client_id) == 26

    username, password = "alice", "Correct-Horse-9"
    # Without a SecretHash nothing is created.
    expect_error(
        "NotAuthorizedException",
        idp.sign_up,
        ClientId=client_id,
        Username=username,
        Password=password,
    )
    signed_up = idp.sign_up(
        ClientId=client_id,
        SecretHash=secret_hash(username, client_id, client_secret),
        Username=username,
        Password=password,
        UserAttributes=[
            {"Name": "email", "Value": "alice@example.com"},
            {"Name": "custom:role", "Value": "admin"},
        ],
    )
    assert signed_up["UserConfirmed"] is False
    expect_error(
        "UserNotConfirmedException",
        idp.initiate_auth,
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password, "SECRET_HASH": secret_hash(username, client_id, client_secret)},
    )
    idp.admin_confirm_sign_up(UserPoolId=pool_id, Username=username)

    auth = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password, "SECRET_HASH": secret_hash(username, client_id, client_secret)},
    )["AuthenticationResult"]
    assert auth["TokenType"] == "Bearer" and auth["ExpiresIn"] == 3600

    refreshed = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": auth["RefreshToken"], "SECRET_HASH": secret_hash(username, client_id, client_secret)},
    )["AuthenticationResult"]
    assert "RefreshToken" not in refreshed and refreshed["IdToken"]

    me = idp.get_user(AccessToken=refreshed["AccessToken"])
    attrs = {a["Name"]: a["Value"] for a in me["UserAttributes"]}
    assert me["Username"] == username and attrs["email"] == "alice@example.com" and attrs["custom:role"] == "admin"

    # Verify the ID token the way an API would: JWKS fetched from the issuer, RS256 pinned.
    iss = jwt.decode(auth["IdToken"], options={"verify_signature": False})["iss"]
    assert iss == f"{URL}/cognito-idp/{pool_id}", iss
    discovery = json.load(urllib.request.urlopen(f"{iss}/.well-known/openid-configuration"))
    assert discovery["jwks_uri"] == f"{iss}/.well-known/jwks.json"
    key = jwt.PyJWKClient(discovery["jwks_uri"]).get_signing_key_from_jwt(auth["IdToken"])
    claims = jwt.decode(auth["IdToken"], key.key, algorithms=["RS256"], audience=client_id, issuer=iss)
    assert claims["token_use"] == "id" and claims["cognito:username"] == username
    assert claims["email_verified"] is False or claims["email_verified"] is True
    assert claims["custom:role"] == "admin"

    # Groups: get, update, members, delete.
    created = idp.create_group(UserPoolId=pool_id, GroupName="admins", Precedence=1)["Group"]
    group = idp.get_group(UserPoolId=pool_id, GroupName="admins")["Group"]
    assert group["GroupName"] == "admins" and group["Precedence"] == 1
    assert group["CreationDate"] == created["CreationDate"]
    updated = idp.update_group(UserPoolId=pool_id, GroupName="admins", Description="Administrators")["Group"]
    assert updated["Description"] == "Administrators" and updated["Precedence"] == 1, updated
    idp.admin_add_user_to_group(UserPoolId=pool_id, Username=username, GroupName="admins")
    members = idp.list_users_in_group(UserPoolId=pool_id, GroupName="admins")
    assert [u["Username"] for u in members["Users"]] == [username] and "NextToken" not in members
    assert isinstance(members["Users"][0]["UserCreateDate"].timestamp(), float)
    idp.delete_group(UserPoolId=pool_id, GroupName="admins")
    message = expect_error("ResourceNotFoundException", idp.get_group, UserPoolId=pool_id, GroupName="admins")
    assert message == "Group not found.", message

    # Custom attributes added to an existing pool.
    idp.add_custom_attributes(
        UserPoolId=pool_id,
        CustomAttributes=[{"Name": "tier", "AttributeDataType": "String", "Mutable": True}],
    )
    schema = {a["Name"] for a in idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]["SchemaAttributes"]}
    assert {"custom:role", "custom:tier"} <= schema, schema
    message = expect_error(
        "InvalidParameterException",
        idp.add_custom_attributes,
        UserPoolId=pool_id,
        CustomAttributes=[{"Name": "tier", "AttributeDataType": "String"}],
    )
    assert message == "custom:tier: Existing attribute already has name custom:tier.", message

    # Tags, addressed by the pool's ARN; DescribeUserPool shows the same tags.
    arn = pool["Arn"]
    idp.tag_resource(ResourceArn=arn, Tags={"env": "test", "team": "blue"})
    idp.untag_resource(ResourceArn=arn, TagKeys=["team"])
    assert idp.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"env": "test"}
    assert idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]["UserPoolTags"] == {"env": "test"}
    expect_error("InvalidParameterException", idp.list_tags_for_resource, ResourceArn="not-an-arn-at-all-really")

    # The signing certificate: base64 DER X.509, self-signed, of the key that signs ID tokens.
    der = base64.b64decode(idp.get_signing_certificate(UserPoolId=pool_id)["Certificate"], validate=True)
    cert = x509.load_der_x509_certificate(der)
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == pool_id
    cert.verify_directly_issued_by(cert)
    assert cert.public_key().public_numbers() == key.key.public_numbers()
    assert (cert.not_valid_after_utc - cert.not_valid_before_utc).days >= 3650

    # Admin calls must be signed.
    expect_error(
        "MissingAuthenticationTokenException",
        client(signed=False).describe_user_pool,
        UserPoolId=pool_id,
    )
    print("boto3 cognito-idp check passed")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print(f"FAILED: {e}", file=sys.stderr)
        raise
