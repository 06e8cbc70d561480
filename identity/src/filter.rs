//! The ListUsers `Filter` grammar: `attribute = "value"` (exact) or `attribute ^= "value"`
//! (prefix). Values are double-quoted; `\"` and `\\` escape.

use crate::error::CognitoError;

/// Attributes ListUsers can filter on (as AWS).
pub(crate) const FILTERABLE: &[&str] = &[
    "username",
    "email",
    "phone_number",
    "name",
    "given_name",
    "family_name",
    "preferred_username",
    "cognito:user_status",
    "status",
    "sub",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Filter {
    pub attribute: String,
    pub value: String,
    pub prefix: bool,
}

fn parse_error() -> CognitoError {
    CognitoError::invalid_parameter("Error while parsing filter.")
}

/// Parses a filter; `None` for an empty one.
pub(crate) fn parse(filter: &str) -> Result<Option<Filter>, CognitoError> {
    let s = filter.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let name_end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
        .ok_or_else(parse_error)?;
    let attribute = &s[..name_end];
    let rest = s[name_end..].trim_start();
    let (prefix, rest) = if let Some(r) = rest.strip_prefix("^=") {
        (true, r)
    } else if let Some(r) = rest.strip_prefix('=') {
        (false, r)
    } else {
        return Err(parse_error());
    };
    let mut chars = rest.trim_start().chars();
    if chars.next() != Some('"') {
        return Err(parse_error());
    }
    let mut value = String::new();
    let mut closed = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => value.push(chars.next().ok_or_else(parse_error)?),
            '"' => {
                closed = true;
                break;
            }
            c => value.push(c),
        }
    }
    if !closed || !chars.as_str().trim().is_empty() {
        return Err(parse_error());
    }
    if !FILTERABLE.contains(&attribute) {
        return Err(CognitoError::invalid_parameter(format!(
            "Invalid search attribute: {attribute}"
        )));
    }
    Ok(Some(Filter {
        attribute: attribute.to_owned(),
        value,
        prefix,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses() {
        assert_eq!(
            parse(r#"email = "a@b.c""#).expect("ok"),
            Some(Filter {
                attribute: "email".into(),
                value: "a@b.c".into(),
                prefix: false
            })
        );
        assert_eq!(
            parse(r#"username ^= "ab""#).expect("ok"),
            Some(Filter {
                attribute: "username".into(),
                value: "ab".into(),
                prefix: true
            })
        );
        assert_eq!(
            parse(r#"cognito:user_status="CONFIRMED""#)
                .expect("ok")
                .map(|f| f.attribute),
            Some("cognito:user_status".into())
        );
        assert_eq!(
            parse(r#"name = "say \"hi\"""#)
                .expect("ok")
                .map(|f| f.value),
            Some("say \"hi\"".into())
        );
        assert_eq!(parse("  ").expect("ok"), None);
        assert!(parse(r#"email = a@b.c"#).is_err());
        assert!(parse(r#"email = "a@b.c"#).is_err());
        assert!(parse(r#"email ~ "x""#).is_err());
        assert!(parse(r#"custom:role = "x""#).is_err());
        assert!(parse(r#"email = "x" extra"#).is_err());
    }
}
