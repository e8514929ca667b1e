// Sign in to the securestore user pool with SRP (the only password flow its
// app client allows: the password never leaves this machine) and print the
// ID token, for calling the presign API from a shell.
//
//   SECURESTORE_PASSWORD=... [SECURESTORE_TOTP=123456] \
//     node tools/token/token.mjs --pool <UserPoolId> --client <ClientId> --user <email>
//
// SECURESTORE_TOTP answers the MFA challenge when the user has a TOTP
// authenticator (required in prod). A user created with a temporary password
// must set a permanent one first (see README).
import { AuthenticationDetails, CognitoUser, CognitoUserPool } from "amazon-cognito-identity-js";

function arg(name) {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0 || !process.argv[i + 1]) {
    console.error(`usage: node tools/token/token.mjs --pool <UserPoolId> --client <ClientId> --user <email> (missing --${name})`);
    process.exit(2);
  }
  return process.argv[i + 1];
}

const pool = new CognitoUserPool({ UserPoolId: arg("pool"), ClientId: arg("client") });
const user = new CognitoUser({ Username: arg("user"), Pool: pool });
const password = process.env.SECURESTORE_PASSWORD;
if (!password) {
  console.error("set SECURESTORE_PASSWORD");
  process.exit(2);
}

const callbacks = {
  onSuccess: (session) => console.log(session.getIdToken().getJwtToken()),
  onFailure: (err) => {
    console.error(`sign-in failed: ${err.code ?? ""} ${err.message}`);
    process.exit(1);
  },
  totpRequired: () => {
    const code = process.env.SECURESTORE_TOTP;
    if (!code) {
      console.error("this user needs a TOTP code: set SECURESTORE_TOTP");
      process.exit(1);
    }
    user.sendMFACode(code, callbacks, "SOFTWARE_TOKEN_MFA");
  },
  newPasswordRequired: () => {
    console.error("the password is temporary: set a permanent one with aws cognito-idp admin-set-user-password --permanent");
    process.exit(1);
  },
  mfaSetup: () => {
    console.error("this user must set up a TOTP authenticator first (MFA is required in this environment)");
    process.exit(1);
  },
};

user.authenticateUser(new AuthenticationDetails({ Username: user.getUsername(), Password: password }), callbacks);
