"""TOTP (software token) MFA against a running Gatehouse: pyotp plays the authenticator app,
boto3 and pycognito the front-end. Run by `scripts/dev test` (GATEHOUSE_URL and an access key in
the environment).

Each code is accepted once, so a user who has just used the current code answers the next
challenge with the next step's code (RFC 6238 allows one step of drift either way).
"""

import os
import time

import boto3
import pyotp
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP
from pycognito.exceptions import SoftwareTokenMFAChallengeException

URL = os.environ["GATEHOUSE_URL"].rstrip("/")
ENDPOINT = f"{URL}/cognito-idp"
PASSWORD = "Correct-Horse-9"


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


def next_code(totp):
    return totp.at(time.time() + 30)


def wrong(code):
    return f"{(int(code) + 1) % 1_000_000:06d}"


def main():
    admin, public = client(), client(signed=False)
    pool_id = admin.create_user_pool(PoolName="totp-pool")["UserPool"]["Id"]
    app = admin.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="app",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]

    # MFA ON without a factor is refused; the software token turns it on.
    code, _ = error_of(admin.set_user_pool_mfa_config, UserPoolId=pool_id, MfaConfiguration="ON")
    assert code == "InvalidParameterException", code
    config = admin.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        SoftwareTokenMfaConfiguration={"Enabled": True},
        MfaConfiguration="OPTIONAL",
    )
    assert config["MfaConfiguration"] == "OPTIONAL" and config["SoftwareTokenMfaConfiguration"]["Enabled"]
    read = admin.get_user_pool_mfa_config(UserPoolId=pool_id)
    assert read["MfaConfiguration"] == "OPTIONAL" and read["SoftwareTokenMfaConfiguration"] == {"Enabled": True}, read
    assert admin.describe_user_pool(UserPoolId=pool_id)["UserPool"]["MfaConfiguration"] == "OPTIONAL"

    def user(name):
        admin.admin_create_user(UserPoolId=pool_id, Username=name, MessageAction="SUPPRESS")
        admin.admin_set_user_password(UserPoolId=pool_id, Username=name, Password=PASSWORD, Permanent=True)

    def password_sign_in(name):
        return public.initiate_auth(
            AuthFlow="USER_PASSWORD_AUTH", ClientId=app, AuthParameters={"USERNAME": name, "PASSWORD": PASSWORD}
        )

    def answer(name, session, code):
        return public.respond_to_auth_challenge(
            ClientId=app,
            ChallengeName="SOFTWARE_TOKEN_MFA",
            Session=session,
            ChallengeResponses={"USERNAME": name, "SOFTWARE_TOKEN_MFA_CODE": code},
        )

    def enrol(name):
        """Signs in (OPTIONAL, no MFA yet: tokens), sets up an authenticator; its pyotp.TOTP."""
        tokens = password_sign_in(name)["AuthenticationResult"]
        secret = public.associate_software_token(AccessToken=tokens["AccessToken"])["SecretCode"]
        totp = pyotp.TOTP(secret)
        code, message = error_of(
            public.verify_software_token, AccessToken=tokens["AccessToken"], UserCode=wrong(totp.now())
        )
        assert code == "EnableSoftwareTokenMFAException", (code, message)
        done = public.verify_software_token(AccessToken=tokens["AccessToken"], UserCode=totp.now())
        assert done["Status"] == "SUCCESS", done
        return tokens, totp

    # 1. Password sign-in with an authenticator app.
    user("ana")
    tokens, totp = enrol("ana")
    me = public.get_user(AccessToken=tokens["AccessToken"])
    assert me["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"], me
    assert me["PreferredMfaSetting"] == "SOFTWARE_TOKEN_MFA", me
    public.set_user_mfa_preference(
        AccessToken=tokens["AccessToken"], SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True}
    )
    challenge = password_sign_in("ana")
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA" and challenge["Session"], challenge
    code = next_code(totp)
    assert error_of(answer, "ana", challenge["Session"], wrong(code))[0] == "CodeMismatchException"
    signed_in = answer("ana", challenge["Session"], code)
    assert signed_in["AuthenticationResult"]["AccessToken"]
    # The same code, in a new sign-in, is refused: each code is used once.
    challenge = password_sign_in("ana")
    assert error_of(answer, "ana", challenge["Session"], code)[0] == "CodeMismatchException"
    print("password + TOTP: signed in; a wrong code and a reused code refused")

    # 2. SRP (pycognito) + TOTP.
    user("ben")
    _, ben_totp = enrol("ben")
    try:
        AWSSRP(username="ben", password=PASSWORD, pool_id=pool_id, client_id=app, client=public).authenticate_user()
        raise AssertionError("expected the SOFTWARE_TOKEN_MFA challenge")
    except SoftwareTokenMFAChallengeException as e:
        session = e.get_tokens()["Session"]
    tokens = answer("ben", session, next_code(ben_totp))["AuthenticationResult"]
    assert public.get_user(AccessToken=tokens["AccessToken"])["Username"] == "ben"
    print("pycognito SRP + TOTP: signed in")

    # 3. Wrong codes count towards the lockout: after five, even the right code is refused.
    user("cid")
    _, cid_totp = enrol("cid")
    challenge = password_sign_in("cid")
    for _ in range(5):
        assert error_of(answer, "cid", challenge["Session"], wrong(next_code(cid_totp)))[0] == "CodeMismatchException"
    assert error_of(answer, "cid", challenge["Session"], next_code(cid_totp)) == (
        "NotAuthorizedException",
        "Password attempts exceeded",
    )
    print("wrong MFA codes count towards the lockout")

    # 4. The administrator turns a user's MFA off; the user signs in without a code.
    admin.admin_set_user_mfa_preference(
        UserPoolId=pool_id, Username="ana", SoftwareTokenMfaSettings={"Enabled": False, "PreferredMfa": False}
    )
    assert "AuthenticationResult" in password_sign_in("ana")
    assert "UserMFASettingList" not in admin.admin_get_user(UserPoolId=pool_id, Username="ana")

    # 5. MFA ON: a user without an authenticator sets one up during sign-in (MFA_SETUP).
    admin.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="ON")
    user("dee")
    setup = password_sign_in("dee")
    assert setup["ChallengeName"] == "MFA_SETUP", setup
    assert "SOFTWARE_TOKEN_MFA" in setup["ChallengeParameters"]["MFAS_CAN_SETUP"]
    # Answering before verifying gets no tokens.
    code, _ = error_of(
        public.respond_to_auth_challenge,
        ClientId=app,
        ChallengeName="MFA_SETUP",
        Session=setup["Session"],
        ChallengeResponses={"USERNAME": "dee"},
    )
    assert code == "InvalidParameterException", code
    associated = public.associate_software_token(Session=setup["Session"])
    dee_totp = pyotp.TOTP(associated["SecretCode"])
    verified = public.verify_software_token(Session=associated["Session"], UserCode=dee_totp.now())
    assert verified["Status"] == "SUCCESS"
    # The superseded sessions no longer work.
    code, _ = error_of(public.associate_software_token, Session=setup["Session"])
    assert code == "NotAuthorizedException", code
    done = public.respond_to_auth_challenge(
        ClientId=app, ChallengeName="MFA_SETUP", Session=verified["Session"], ChallengeResponses={"USERNAME": "dee"}
    )
    assert done["AuthenticationResult"]["IdToken"]
    again = password_sign_in("dee")
    assert again["ChallengeName"] == "SOFTWARE_TOKEN_MFA", again
    answer("dee", again["Session"], next_code(dee_totp))
    print("MFA ON: MFA_SETUP with AssociateSoftwareToken/VerifySoftwareToken, then SOFTWARE_TOKEN_MFA")

    admin.delete_user_pool(UserPoolId=pool_id)
    print("TOTP checks passed")


if __name__ == "__main__":
    main()
