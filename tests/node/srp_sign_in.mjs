// Signs in with amazon-cognito-identity-js (the library under Amplify), which uses USER_SRP_AUTH
// by default, and prints the outcome as one JSON line. Called by tests/python/test_cognito_srp.py
// with the pool, client and credentials in the environment.
import cognito from 'amazon-cognito-identity-js';

const { AuthenticationDetails, CognitoUser, CognitoUserPool } = cognito;
const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const pool = new CognitoUserPool({
  UserPoolId: env('POOL_ID'),
  ClientId: env('CLIENT_ID'),
  endpoint: `${env('GATEHOUSE_URL').replace(/\/$/, '')}/cognito-idp`,
});
const user = new CognitoUser({ Username: env('USERNAME'), Pool: pool });
const details = new AuthenticationDetails({ Username: env('USERNAME'), Password: env('PASSWORD') });

const outcome = await new Promise((resolve) => {
  user.authenticateUser(details, {
    onSuccess: (session) =>
      resolve({
        ok: true,
        flow: user.getAuthenticationFlowType(),
        idTokenUsername: session.getIdToken().decodePayload()['cognito:username'],
        accessToken: session.getAccessToken().getJwtToken(),
      }),
    onFailure: (err) => resolve({ ok: false, code: err.code || err.name, message: err.message }),
    newPasswordRequired: () => resolve({ ok: false, code: 'NEW_PASSWORD_REQUIRED' }),
  });
});
console.log(JSON.stringify(outcome));
