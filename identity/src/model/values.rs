//! The closed sets of values, as enums. Each keeps the exact string used on the wire and in the
//! database ([`as_str`](UserStatus::as_str), [`parse`](UserStatus::parse)); `ALL` lists the
//! values in the order AWS prints them in "Member must satisfy enum value set" messages.

/// An enum of wire strings with `as_str`, `parse`, `ALL`, `joined` and `Display`.
macro_rules! closed_set {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $text:literal ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis enum $name { $( $(#[$vmeta])* $variant ),+ }

        // Generated for every set; not every set needs every helper.
        #[allow(dead_code)]
        impl $name {
            /// Every value, in AWS's order.
            pub const ALL: &'static [$name] = &[$( $name::$variant ),+];

            /// The wire (and database) string.
            pub fn as_str(self) -> &'static str {
                match self { $( $name::$variant => $text ),+ }
            }

            /// The value for a wire (or database) string, if it is one.
            pub fn parse(s: &str) -> Option<$name> {
                match s { $( $text => Some($name::$variant), )+ _ => None }
            }

            /// `A, B, C`: the list in validation messages.
            pub fn joined() -> String {
                $name::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

closed_set! {
    /// `UserStatus` of a user (the ones Gatehouse has; AWS also knows `ARCHIVED`,
    /// `COMPROMISED`, `UNKNOWN` and `EXTERNAL_PROVIDER`).
    pub enum UserStatus {
        /// Signed up, not confirmed yet.
        Unconfirmed = "UNCONFIRMED",
        Confirmed = "CONFIRMED",
        /// Created by an administrator with a temporary password.
        ForceChangePassword = "FORCE_CHANGE_PASSWORD",
        /// Must reset the password (ForgotPassword) before signing in.
        ResetRequired = "RESET_REQUIRED",
    }
}

closed_set! {
    /// `AuthFlow` of InitiateAuth / AdminInitiateAuth (only some are implemented: see
    /// `flows`).
    pub enum AuthFlow {
        UserSrp = "USER_SRP_AUTH",
        RefreshTokenAuth = "REFRESH_TOKEN_AUTH",
        RefreshToken = "REFRESH_TOKEN",
        Custom = "CUSTOM_AUTH",
        AdminNoSrp = "ADMIN_NO_SRP_AUTH",
        UserPassword = "USER_PASSWORD_AUTH",
        AdminUserPassword = "ADMIN_USER_PASSWORD_AUTH",
        User = "USER_AUTH",
    }
}

closed_set! {
    /// `ExplicitAuthFlows` of an app client: which flows it allows (legacy and `ALLOW_` names).
    pub enum ExplicitAuthFlow {
        AdminNoSrp = "ADMIN_NO_SRP_AUTH",
        CustomAuthFlowOnly = "CUSTOM_AUTH_FLOW_ONLY",
        UserPassword = "USER_PASSWORD_AUTH",
        AllowAdminUserPassword = "ALLOW_ADMIN_USER_PASSWORD_AUTH",
        AllowCustom = "ALLOW_CUSTOM_AUTH",
        AllowUserPassword = "ALLOW_USER_PASSWORD_AUTH",
        AllowUserSrp = "ALLOW_USER_SRP_AUTH",
        AllowRefreshToken = "ALLOW_REFRESH_TOKEN_AUTH",
        AllowUser = "ALLOW_USER_AUTH",
    }
}

impl ExplicitAuthFlow {
    /// The flows of a client created without `ExplicitAuthFlows` (as AWS).
    pub const DEFAULT: &'static [ExplicitAuthFlow] = &[
        ExplicitAuthFlow::AllowRefreshToken,
        ExplicitAuthFlow::AllowUserSrp,
        ExplicitAuthFlow::AllowCustom,
    ];

    /// The pre-`ALLOW_` names; a list with any of them always allows refresh.
    pub fn is_legacy(self) -> bool {
        matches!(
            self,
            ExplicitAuthFlow::AdminNoSrp
                | ExplicitAuthFlow::CustomAuthFlowOnly
                | ExplicitAuthFlow::UserPassword
        )
    }
}

closed_set! {
    /// `ChallengeName` of RespondToAuthChallenge (only `NEW_PASSWORD_REQUIRED` is implemented).
    pub enum ChallengeName {
        SmsMfa = "SMS_MFA",
        EmailOtp = "EMAIL_OTP",
        SoftwareTokenMfa = "SOFTWARE_TOKEN_MFA",
        SelectMfaType = "SELECT_MFA_TYPE",
        MfaSetup = "MFA_SETUP",
        PasswordVerifier = "PASSWORD_VERIFIER",
        CustomChallenge = "CUSTOM_CHALLENGE",
        SelectChallenge = "SELECT_CHALLENGE",
        DeviceSrpAuth = "DEVICE_SRP_AUTH",
        DevicePasswordVerifier = "DEVICE_PASSWORD_VERIFIER",
        AdminNoSrpAuth = "ADMIN_NO_SRP_AUTH",
        NewPasswordRequired = "NEW_PASSWORD_REQUIRED",
        SmsOtp = "SMS_OTP",
        Password = "PASSWORD",
        WebAuthn = "WEB_AUTHN",
        PasswordSrp = "PASSWORD_SRP",
    }
}

closed_set! {
    /// `PreventUserExistenceErrors` of an app client.
    pub enum PreventUserExistenceErrors {
        Legacy = "LEGACY",
        Enabled = "ENABLED",
    }
}

closed_set! {
    /// Units of `TokenValidityUnits`.
    pub enum TokenValidityUnit {
        Seconds = "seconds",
        Minutes = "minutes",
        Hours = "hours",
        Days = "days",
    }
}

impl TokenValidityUnit {
    pub fn secs(self) -> i64 {
        match self {
            TokenValidityUnit::Seconds => 1,
            TokenValidityUnit::Minutes => 60,
            TokenValidityUnit::Hours => 3600,
            TokenValidityUnit::Days => 86400,
        }
    }
}

closed_set! {
    /// `DeliveryMedium` of a message (`CodeDeliveryDetails`, the outbox, `DesiredDeliveryMediums`).
    pub enum DeliveryMedium {
        Sms = "SMS",
        Email = "EMAIL",
    }
}

closed_set! {
    /// `AttributeDataType` of a schema attribute.
    pub enum AttributeDataType {
        Boolean = "Boolean",
        Number = "Number",
        String = "String",
        DateTime = "DateTime",
    }
}

closed_set! {
    /// `MfaConfiguration` of a pool (Gatehouse accepts only `OFF`).
    pub enum MfaConfiguration {
        Off = "OFF",
        On = "ON",
        Optional = "OPTIONAL",
    }
}

closed_set! {
    /// `DeletionProtection` of a pool.
    pub enum DeletionProtection {
        Active = "ACTIVE",
        Inactive = "INACTIVE",
    }
}

closed_set! {
    /// `MessageAction` of AdminCreateUser.
    pub enum MessageAction {
        Resend = "RESEND",
        Suppress = "SUPPRESS",
    }
}

closed_set! {
    /// `UsernameAttributes` and `AutoVerifiedAttributes` values (Gatehouse accepts only
    /// `email` as a username attribute).
    pub enum VerifiableAttribute {
        PhoneNumber = "phone_number",
        Email = "email",
    }
}

closed_set! {
    /// `AliasAttributes` values (Gatehouse signs in only with the `email` alias).
    pub enum AliasAttribute {
        PhoneNumber = "phone_number",
        Email = "email",
        PreferredUsername = "preferred_username",
    }
}

closed_set! {
    /// What a confirmation code is for.
    pub enum CodePurpose {
        SignUp = "SIGN_UP",
        ForgotPassword = "FORGOT_PASSWORD",
        VerifyAttribute = "VERIFY_ATTRIBUTE",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_round_trip() {
        for s in UserStatus::ALL {
            assert_eq!(UserStatus::parse(s.as_str()), Some(*s));
        }
        assert_eq!(UserStatus::parse("confirmed"), None);
        assert_eq!(
            PreventUserExistenceErrors::joined(),
            "LEGACY, ENABLED",
            "the order of AWS's validation message"
        );
        assert_eq!(ExplicitAuthFlow::ALL.len(), 9);
        assert_eq!(ChallengeName::ALL.len(), 16);
    }
}
