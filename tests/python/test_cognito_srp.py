"""USER_SRP_AUTH with pycognito's AWSSRP, an independent SRP client, against a running Gatehouse.

Run by `scripts/dev test` (GATEHOUSE_URL and an access key in the environment). The password
never travels: pycognito computes the PASSWORD_VERIFIER answer from the challenge.
"""

import json
import os
import subprocess

import boto3
import jwt
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP

URL = os.environ["GATEHOUSE_URL"].rstrip("/")
ENDPOINT = f"{URL}/cognito-idp"


def client(signed=True):
    kwargs = dict(endpoint_url=ENDPOINT, region_name="us-east-1")
    if signed:
        kwargs.update(
            aws_access_key_id=os.environ["GATEHOUSE_ACCESS_KEY_ID"],
            aws_secret_access_key=os.environ["GATEHOUSE_SECRET_ACCESS_KEY"],
        )
    else:
        kwargs["config"] = Config(signature_version=UNSIGNED)
    return boto3.client("cognito-idp", **kwargs)


def error_of(fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["Error"]["Message"]
    raise AssertionError("expected an error")


def srp(username, password, pool_id, client_id, secret=None):
    return AWSSRP(
        username=username,
        password=password,
        pool_id=pool_id,
        client_id=client_id,
        client=client(signed=False),
        client_secret=secret,
    )


def cognito_identity_js(pool_id, client_id, username, password):
    """Signs in with amazon-cognito-identity-js (tests/node/srp_sign_in.mjs), as Amplify does."""
    script = os.path.join(os.path.dirname(__file__), "..", "node", "srp_sign_in.mjs")
    env = dict(os.environ, POOL_ID=pool_id, CLIENT_ID=client_id, USERNAME=username, PASSWORD=password)
    out = subprocess.run(["node", script], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    admin = client()
    public = client(signed=False)
    pool_id = admin.create_user_pool(PoolName="srp-pool")["UserPool"]["Id"]
    # No ExplicitAuthFlows: AWS's default allows USER_SRP_AUTH (and refresh, custom).
    default_client = admin.create_user_pool_client(UserPoolId=pool_id, ClientName="spa")[
        "UserPoolClient"
    ]["ClientId"]
    with_secret = admin.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="server",
        GenerateSecret=True,
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]
    password_only = admin.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="password-only",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    legacy = admin.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="legacy-errors",
        PreventUserExistenceErrors="LEGACY",
    )["UserPoolClient"]["ClientId"]

    username, password = "srp-alice", "Correct-Horse-9"
    admin.admin_create_user(UserPoolId=pool_id, Username=username, MessageAction="SUPPRESS")
    admin.admin_set_user_password(
        UserPoolId=pool_id, Username=username, Password=password, Permanent=True
    )

    # 1. pycognito signs in; the tokens are the user's.
    tokens = srp(username, password, pool_id, default_client).authenticate_user()
    result = tokens["AuthenticationResult"]
    claims = jwt.decode(result["IdToken"], options={"verify_signature": False})
    assert claims["cognito:username"] == username, claims
    assert claims["aud"] == default_client
    me = public.get_user(AccessToken=result["AccessToken"])
    assert me["Username"] == username
    print("pycognito USER_SRP_AUTH: signed in")

    # 1b. So does amazon-cognito-identity-js (the library under Amplify), with its default flow.
    outcome = cognito_identity_js(pool_id, default_client, username, password)
    assert outcome["ok"], outcome
    assert outcome["flow"] == "USER_SRP_AUTH", outcome
    assert outcome["idTokenUsername"] == username, outcome
    assert public.get_user(AccessToken=outcome["accessToken"])["Username"] == username
    outcome = cognito_identity_js(pool_id, default_client, username, "Wrong-Horse-9")
    assert outcome == {
        "ok": False,
        "code": "NotAuthorizedException",
        "message": "Incorrect username or password.",
    }, outcome
    print("amazon-cognito-identity-js USER_SRP_AUTH: signed in; a wrong password refused")

    # 2. A wrong password is refused as AWS refuses it.
    code, message = error_of(srp(username, "Wrong-Horse-9", pool_id, default_client).authenticate_user)
    assert (code, message) == ("NotAuthorizedException", "Incorrect username or password."), (code, message)

    # 3. A client with a secret: pycognito sends SECRET_HASH on both calls.
    tokens = srp(username, password, pool_id, with_secret["ClientId"], with_secret["ClientSecret"]).authenticate_user()
    assert "AccessToken" in tokens["AuthenticationResult"]
    code, _ = error_of(srp(username, password, pool_id, with_secret["ClientId"]).authenticate_user)
    assert code == "NotAuthorizedException", code
    print("pycognito USER_SRP_AUTH with a client secret: signed in; without SECRET_HASH: refused")

    # 4. ExplicitAuthFlows gates the flow.
    code, message = error_of(srp(username, password, pool_id, password_only).authenticate_user)
    assert code == "InvalidParameterException", (code, message)
    assert "USER_SRP_AUTH" in message, message

    # 5. An answer is single use: the same signed answer replayed is refused.
    helper = srp(username, password, pool_id, default_client)
    params = helper.get_auth_params()
    challenge = public.initiate_auth(AuthFlow="USER_SRP_AUTH", AuthParameters=params, ClientId=default_client)
    assert challenge["ChallengeName"] == "PASSWORD_VERIFIER"
    for name in ("SALT", "SRP_B", "SECRET_BLOCK", "USER_ID_FOR_SRP", "USERNAME"):
        assert challenge["ChallengeParameters"].get(name), (name, challenge)
    answer = helper.process_challenge(challenge["ChallengeParameters"], params)
    first = public.respond_to_auth_challenge(
        ClientId=default_client, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=answer
    )
    assert "IdToken" in first["AuthenticationResult"]
    code, _ = error_of(
        public.respond_to_auth_challenge,
        ClientId=default_client,
        ChallengeName="PASSWORD_VERIFIER",
        ChallengeResponses=answer,
    )
    assert code == "NotAuthorizedException", code
    print("a replayed PASSWORD_VERIFIER answer is refused")

    # 6. Unknown users: hidden by default (a challenge that fails like a wrong password), named
    #    with PreventUserExistenceErrors=LEGACY.
    code, message = error_of(srp("nobody", password, pool_id, default_client).authenticate_user)
    assert (code, message) == ("NotAuthorizedException", "Incorrect username or password."), (code, message)
    code, _ = error_of(srp("nobody", password, pool_id, legacy).authenticate_user)
    assert code == "UserNotFoundException", code

    # 7. Wrong passwords count towards the lockout, and then even the right one is refused.
    locked = "srp-bob"
    admin.admin_create_user(UserPoolId=pool_id, Username=locked, MessageAction="SUPPRESS")
    admin.admin_set_user_password(UserPoolId=pool_id, Username=locked, Password=password, Permanent=True)
    for _ in range(5):
        code, _ = error_of(srp(locked, "Wrong-Horse-9", pool_id, default_client).authenticate_user)
        assert code == "NotAuthorizedException"
    code, message = error_of(srp(locked, password, pool_id, default_client).authenticate_user)
    assert (code, message) == ("NotAuthorizedException", "Password attempts exceeded"), (code, message)
    print("SRP wrong passwords count towards the lockout")

    # 8. A new password (ChangePassword) gets a new verifier: the old one no longer signs in.
    public.change_password(
        PreviousPassword=password, ProposedPassword="Newer-Horse-10", AccessToken=result["AccessToken"]
    )
    code, _ = error_of(srp(username, password, pool_id, default_client).authenticate_user)
    assert code == "NotAuthorizedException", code
    srp(username, "Newer-Horse-10", pool_id, default_client).authenticate_user()
    print("after ChangePassword only the new password signs in over SRP")

    admin.delete_user_pool(UserPoolId=pool_id)
    print("pycognito SRP checks passed")


if __name__ == "__main__":
    main()
