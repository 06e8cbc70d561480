//! `Debug` that prints `<redacted>` for the secrets a wire type carries.

/// Wraps a secret for `Debug`: prints `<redacted>` (or `None`).
pub(crate) struct Redacted<'a, T>(pub &'a T);

impl<T: RedactShape> std::fmt::Debug for Redacted<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.is_present() {
            f.write_str("<redacted>")
        } else {
            f.write_str("None")
        }
    }
}

pub(crate) trait RedactShape {
    fn is_present(&self) -> bool;
}
impl RedactShape for String {
    fn is_present(&self) -> bool {
        true
    }
}
impl<T> RedactShape for Option<T> {
    fn is_present(&self) -> bool {
        self.is_some()
    }
}

/// `impl Debug` listing `plain` fields normally and `secret` fields as `<redacted>`.
macro_rules! debug_redacted {
    ($ty:ident { $($plain:ident),* $(,)? } secret { $($secret:ident),* $(,)? }) => {
        impl std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                let mut d = f.debug_struct(stringify!($ty));
                $( d.field(stringify!($plain), &self.$plain); )*
                $( d.field(stringify!($secret), &$crate::wire::redact::Redacted(&self.$secret)); )*
                d.finish()
            }
        }
    };
}
pub(crate) use debug_redacted;
