//! A pool's password policy on the wire, and the check of a password against it (with AWS's
//! messages).

use rand::Rng;
use rand::rngs::OsRng;
use rand::seq::SliceRandom;

use crate::error::{CognitoError, ErrorKind};
use crate::model::PasswordPolicy;
use crate::wire::PasswordPolicyType;

/// Symbols a password may use to satisfy `RequireSymbols` (AWS's list, plus space).
pub(crate) const PASSWORD_SYMBOLS: &str = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ";
/// Longest password accepted.
pub(crate) const MAX_PASSWORD_CHARS: usize = 256;

impl PasswordPolicy {
    pub(crate) fn from_wire(
        p: Option<&PasswordPolicyType>,
    ) -> Result<PasswordPolicy, CognitoError> {
        let d = PasswordPolicy::default();
        let Some(p) = p else { return Ok(d) };
        let policy = PasswordPolicy {
            min_length: p.minimum_length.unwrap_or(d.min_length),
            require_uppercase: p.require_uppercase.unwrap_or(d.require_uppercase),
            require_lowercase: p.require_lowercase.unwrap_or(d.require_lowercase),
            require_numbers: p.require_numbers.unwrap_or(d.require_numbers),
            require_symbols: p.require_symbols.unwrap_or(d.require_symbols),
            temporary_password_validity_days: p
                .temporary_password_validity_days
                .unwrap_or(d.temporary_password_validity_days),
        };
        if !(6..=99).contains(&policy.min_length) {
            return Err(CognitoError::invalid_parameter(format!(
                "1 validation error detected: Value '{}' at 'policies.passwordPolicy.minimumLength' \
                 failed to satisfy constraint: Member must have value between 6 and 99",
                policy.min_length
            )));
        }
        if !(0..=365).contains(&policy.temporary_password_validity_days) {
            return Err(CognitoError::invalid_parameter(format!(
                "1 validation error detected: Value '{}' at \
                 'policies.passwordPolicy.temporaryPasswordValidityDays' failed to satisfy \
                 constraint: Member must have value between 0 and 365",
                policy.temporary_password_validity_days
            )));
        }
        Ok(policy)
    }

    pub(crate) fn to_wire(&self) -> PasswordPolicyType {
        PasswordPolicyType {
            minimum_length: Some(self.min_length),
            require_uppercase: Some(self.require_uppercase),
            require_lowercase: Some(self.require_lowercase),
            require_numbers: Some(self.require_numbers),
            require_symbols: Some(self.require_symbols),
            temporary_password_validity_days: Some(self.temporary_password_validity_days),
        }
    }

    /// `InvalidPasswordException` with AWS's message for the first rule `password` breaks.
    pub(crate) fn check(&self, password: &str) -> Result<(), CognitoError> {
        let fail = |why: &str| {
            Err(CognitoError::new(
                ErrorKind::InvalidPassword,
                format!("Password did not conform with policy: {why}"),
            ))
        };
        let chars = password.chars().count();
        if chars > MAX_PASSWORD_CHARS {
            return fail("Password must have less than 256 characters");
        }
        if chars < usize::try_from(self.min_length).unwrap_or(0) {
            return fail("Password not long enough");
        }
        if self.require_uppercase && !password.chars().any(|c| c.is_ascii_uppercase()) {
            return fail("Password must have uppercase characters");
        }
        if self.require_lowercase && !password.chars().any(|c| c.is_ascii_lowercase()) {
            return fail("Password must have lowercase characters");
        }
        if self.require_numbers && !password.chars().any(|c| c.is_ascii_digit()) {
            return fail("Password must have numeric characters");
        }
        if self.require_symbols && !password.chars().any(|c| PASSWORD_SYMBOLS.contains(c)) {
            return fail("Password must have symbol characters");
        }
        Ok(())
    }

    /// A random password that satisfies the policy (for AdminCreateUser without one).
    pub(crate) fn generate(&self) -> String {
        const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
        const LOWER: &[u8] = b"abcdefghijkmnopqrstuvwxyz";
        const DIGITS: &[u8] = b"23456789";
        const SYMBOLS: &[u8] = b"!@#%&*+-=?";
        let mut rng = OsRng;
        let mut pick = |set: &[u8]| char::from(set[rng.gen_range(0..set.len())]);
        let mut chars = vec![pick(UPPER), pick(LOWER), pick(DIGITS), pick(SYMBOLS)];
        let all: Vec<u8> = [UPPER, LOWER, DIGITS, SYMBOLS].concat();
        let len = usize::try_from(self.min_length).unwrap_or(8).max(12);
        while chars.len() < len {
            chars.push(pick(&all));
        }
        chars.shuffle(&mut OsRng);
        chars.into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_policy_messages() {
        let p = PasswordPolicy::default();
        let msg = |pw: &str| p.check(pw).err().map(|e| e.message);
        assert_eq!(
            msg("Aa1!"),
            Some("Password did not conform with policy: Password not long enough".into())
        );
        assert_eq!(
            msg("abcdefg1!"),
            Some(
                "Password did not conform with policy: Password must have uppercase characters"
                    .into()
            )
        );
        assert_eq!(
            msg("ABCDEFG1!"),
            Some(
                "Password did not conform with policy: Password must have lowercase characters"
                    .into()
            )
        );
        assert_eq!(
            msg("Abcdefgh!"),
            Some(
                "Password did not conform with policy: Password must have numeric characters"
                    .into()
            )
        );
        assert_eq!(
            msg("Abcdefgh1"),
            Some(
                "Password did not conform with policy: Password must have symbol characters".into()
            )
        );
        assert_eq!(msg("Abcdefg1!"), None);
        for _ in 0..20 {
            assert!(p.check(&p.generate()).is_ok());
        }
    }
}
