"""The calls the Terraform AWS provider makes for `aws_cognito_user_pool` and
`aws_cognito_user_pool_client`, replayed with boto3 against a running Gatehouse: create, read,
a plan with no change (the second read equals the first: no drift), update, custom attributes
added, delete. Run by `scripts/dev test`.
"""

import os

import boto3
from botocore.exceptions import ClientError

URL = os.environ["GATEHOUSE_URL"].rstrip("/")

idp = boto3.client(
    "cognito-idp",
    endpoint_url=f"{URL}/cognito-idp",
    region_name="us-east-1",
    aws_access_key_id=os.environ["GATEHOUSE_ACCESS_KEY_ID"],
    aws_secret_access_key=os.environ["GATEHOUSE_SECRET_ACCESS_KEY"],
)

# What a Terraform configuration would set (the provider sends these on create and, in full,
# on every update).
POOL_SETTINGS = dict(
    Policies={
        "PasswordPolicy": {
            "MinimumLength": 10,
            "RequireUppercase": True,
            "RequireLowercase": True,
            "RequireNumbers": True,
            "RequireSymbols": False,
            "TemporaryPasswordValidityDays": 3,
        }
    },
    AutoVerifiedAttributes=["email"],
    AdminCreateUserConfig={"AllowAdminCreateUserOnly": True},
    UserPoolTags={"team": "identity", "env": "test"},
    DeletionProtection="INACTIVE",
)


def read_pool(pool_id):
    """The provider's read: DescribeUserPool, then GetUserPoolMfaConfig."""
    pool = idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    mfa = idp.get_user_pool_mfa_config(UserPoolId=pool_id)
    mfa.pop("ResponseMetadata", None)
    return pool, mfa


def stable(pool):
    """The pool without the fields that change on every write."""
    return {k: v for k, v in pool.items() if k not in ("LastModifiedDate",)}


def main():
    # --- aws_cognito_user_pool: create ---
    pool_id = idp.create_user_pool(
        PoolName="terraform-pool",
        Schema=[{"Name": "tenant", "AttributeDataType": "String", "Mutable": True,
                 "StringAttributeConstraints": {"MinLength": "1", "MaxLength": "64"}}],
        **POOL_SETTINGS,
    )["UserPool"]["Id"]
    idp.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        SoftwareTokenMfaConfiguration={"Enabled": True},
        MfaConfiguration="OPTIONAL",
    )
    first, first_mfa = read_pool(pool_id)
    assert first["UserPoolTags"] == POOL_SETTINGS["UserPoolTags"], first["UserPoolTags"]
    assert first["Policies"]["PasswordPolicy"] == POOL_SETTINGS["Policies"]["PasswordPolicy"], first["Policies"]
    assert first["AutoVerifiedAttributes"] == ["email"]
    assert first["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    assert first["MfaConfiguration"] == "OPTIONAL"
    assert first_mfa == {"SoftwareTokenMfaConfiguration": {"Enabled": True}, "MfaConfiguration": "OPTIONAL"}, first_mfa
    assert any(a["Name"] == "custom:tenant" for a in first["SchemaAttributes"])

    # --- terraform plan: a second read returns exactly the first (no drift) ---
    second, second_mfa = read_pool(pool_id)
    assert second == first and second_mfa == first_mfa, "drift between two reads"

    # --- an apply with no change: UpdateUserPool with the same settings, MFA set again ---
    idp.update_user_pool(UserPoolId=pool_id, MfaConfiguration="OPTIONAL", **POOL_SETTINGS)
    idp.set_user_pool_mfa_config(
        UserPoolId=pool_id, SoftwareTokenMfaConfiguration={"Enabled": True}, MfaConfiguration="OPTIONAL"
    )
    third, third_mfa = read_pool(pool_id)
    assert stable(third) == stable(first), {k: (first.get(k), third.get(k)) for k in third if third.get(k) != first.get(k)}
    assert third_mfa == first_mfa

    # --- update: a changed setting, a new tag, a new custom attribute ---
    changed = dict(POOL_SETTINGS, UserPoolTags={"team": "identity", "env": "prod"})
    changed["Policies"] = {"PasswordPolicy": dict(POOL_SETTINGS["Policies"]["PasswordPolicy"], MinimumLength=12)}
    idp.update_user_pool(UserPoolId=pool_id, MfaConfiguration="OPTIONAL", **changed)
    idp.add_custom_attributes(
        UserPoolId=pool_id,
        CustomAttributes=[{"Name": "plan", "AttributeDataType": "String", "Mutable": True}],
    )
    fourth, _ = read_pool(pool_id)
    assert fourth["UserPoolTags"] == {"team": "identity", "env": "prod"}
    assert fourth["Policies"]["PasswordPolicy"]["MinimumLength"] == 12
    names = {a["Name"] for a in fourth["SchemaAttributes"]}
    assert {"custom:tenant", "custom:plan"} <= names, names
    fifth, _ = read_pool(pool_id)
    assert fifth == fourth, "drift after the update"

    # --- aws_cognito_user_pool_client: create, read, no-change apply, update ---
    client_settings = dict(
        ClientName="terraform-client",
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        RefreshTokenValidity=30,
        AccessTokenValidity=60,
        IdTokenValidity=60,
        TokenValidityUnits={"AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "days"},
        PreventUserExistenceErrors="ENABLED",
        EnableTokenRevocation=True,
        ReadAttributes=["email", "custom:tenant"],
        WriteAttributes=["email"],
        CallbackURLs=["https://app.example/callback"],
        LogoutURLs=["https://app.example/logout"],
        AllowedOAuthFlows=["code"],
        AllowedOAuthScopes=["openid", "email"],
        AllowedOAuthFlowsUserPoolClient=True,
        SupportedIdentityProviders=["COGNITO"],
        AuthSessionValidity=5,
    )
    client_id = idp.create_user_pool_client(UserPoolId=pool_id, GenerateSecret=True, **client_settings)[
        "UserPoolClient"
    ]["ClientId"]
    read1 = idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)["UserPoolClient"]
    for key, value in client_settings.items():
        assert read1[key] == value, (key, read1.get(key), value)
    read2 = idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)["UserPoolClient"]
    assert read2 == read1, "client drift between two reads"
    idp.update_user_pool_client(UserPoolId=pool_id, ClientId=client_id, **client_settings)
    read3 = idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)["UserPoolClient"]
    assert {k: v for k, v in read3.items() if k != "LastModifiedDate"} == {
        k: v for k, v in read1.items() if k != "LastModifiedDate"
    }, "a no-change update changed the client"
    idp.update_user_pool_client(
        UserPoolId=pool_id, ClientId=client_id, **dict(client_settings, AccessTokenValidity=15)
    )
    read4 = idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)["UserPoolClient"]
    assert read4["AccessTokenValidity"] == 15 and read4["ClientSecret"] == read1["ClientSecret"]

    # --- destroy ---
    idp.delete_user_pool_client(UserPoolId=pool_id, ClientId=client_id)
    idp.delete_user_pool(UserPoolId=pool_id)
    try:
        idp.describe_user_pool(UserPoolId=pool_id)
        raise AssertionError("the pool is still there")
    except ClientError as e:
        assert e.response["Error"]["Code"] == "ResourceNotFoundException"
    print("Terraform replay (user pool and client): no drift")


if __name__ == "__main__":
    main()
