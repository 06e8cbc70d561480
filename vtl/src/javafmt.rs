//! Java-compatible text forms and the `$util` helpers of API Gateway.

use base64::Engine as _;

/// `Double.toString(d)`: `1.0`, `0.5`, `249.99`, `1.0E7`, `1.5E-4`, `NaN`, `Infinity`.
pub(crate) fn java_double(d: f64) -> String {
    if d.is_nan() {
        return "NaN".into();
    }
    if d.is_infinite() {
        return if d > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if d == 0.0 {
        return if d.is_sign_negative() { "-0.0" } else { "0.0" }.into();
    }
    let abs = d.abs();
    if (1e-3..1e7).contains(&abs) {
        let s = format!("{d}");
        if s.contains('.') { s } else { format!("{s}.0") }
    } else {
        // Rust gives the shortest round-trip digits as `1.5e-4`; Java writes `1.5E-4`, and
        // always has a fractional part in the mantissa.
        let s = format!("{d:e}");
        let (mantissa, exponent) = s.split_once('e').unwrap_or((&s, "0"));
        let mantissa = if mantissa.contains('.') {
            mantissa.to_string()
        } else {
            format!("{mantissa}.0")
        };
        format!("{mantissa}E{exponent}")
    }
}

/// Commons-Lang `StringEscapeUtils.escapeJavaScript`, which API Gateway's
/// `$util.escapeJavaScript` follows: `'` → `\'`, `"` → `\"`, `\` → `\\`, `/` → `\/`, control
/// characters as `\n`-style or `\u00XX` escapes, and every non-ASCII UTF-16 unit as `\uXXXX`.
pub(crate) fn escape_javascript(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    let mut units = [0u16; 2];
    for c in s.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '/' => out.push_str("\\/"),
            '\u{8}' => out.push_str("\\b"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7f => {
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{:04X}", unit));
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// Java `URLEncoder.encode(s, "UTF-8")`: `application/x-www-form-urlencoded`.
pub(crate) fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3 / 2);
    for &b in s.as_bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'-' | b'*' | b'_' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Java `URLDecoder.decode(s, "UTF-8")`: `+` is a space, `%XX` a byte. Malformed escapes are
/// kept as they are (Java would throw).
pub(crate) fn url_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex_val(bytes[i + 1]), hex_val(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

pub(crate) fn base64_encode(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s.as_bytes())
}

/// Standard base64 (with or without padding) to UTF-8 text; `None` if it is not base64.
pub(crate) fn base64_decode(s: &str) -> Option<String> {
    let trimmed = s.trim();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(trimmed)
        .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(trimmed))
        .ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// Java `String.hashCode()`.
pub(crate) fn java_hash(s: &str) -> i32 {
    let mut h: i32 = 0;
    for unit in s.encode_utf16() {
        h = h.wrapping_mul(31).wrapping_add(unit as i32);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_print_like_java() {
        assert_eq!(java_double(1.0), "1.0");
        assert_eq!(java_double(249.99), "249.99");
        assert_eq!(java_double(0.99), "0.99");
        assert_eq!(java_double(-2.5), "-2.5");
        assert_eq!(java_double(1e7), "1.0E7");
        assert_eq!(java_double(1.5e-4), "1.5E-4");
        assert_eq!(java_double(123456789.0), "1.23456789E8");
        assert_eq!(java_double(0.001), "0.001");
        assert_eq!(java_double(f64::NAN), "NaN");
        assert_eq!(java_double(-0.0), "-0.0");
    }

    #[test]
    fn escape_javascript_follows_commons_lang() {
        assert_eq!(escape_javascript("it's"), "it\\'s");
        assert_eq!(escape_javascript("\"a\"/b\\"), "\\\"a\\\"\\/b\\\\");
        assert_eq!(escape_javascript("l1\nl2\t"), "l1\\nl2\\t");
        assert_eq!(escape_javascript("\u{1}"), "\\u0001");
        assert_eq!(escape_javascript("é"), "\\u00E9");
        assert_eq!(escape_javascript("😀"), "\\uD83D\\uDE00");
    }

    #[test]
    fn url_encoding_is_form_encoding() {
        assert_eq!(
            url_encode("{\"some\": \"value\"}"),
            "%7B%22some%22%3A+%22value%22%7D"
        );
        assert_eq!(url_encode("some raw data"), "some+raw+data");
        assert_eq!(url_encode("x=a+b"), "x%3Da%2Bb");
        assert_eq!(url_encode("a.b-c*d_e~"), "a.b-c*d_e%7E");
        assert_eq!(url_encode("é"), "%C3%A9");
        assert_eq!(url_decode("x=a+b"), "x=a b");
        assert_eq!(url_decode("a%2Bb"), "a+b");
        assert_eq!(url_decode("%C3%A9%"), "é%");
        assert_eq!(url_decode("%zz%4"), "%zz%4");
        assert_eq!(url_decode("%41"), "A");
    }

    #[test]
    fn base64_round_trips() {
        assert_eq!(base64_encode("hello"), "aGVsbG8=");
        assert_eq!(base64_decode("aGVsbG8=").as_deref(), Some("hello"));
        assert_eq!(base64_decode("aGVsbG8").as_deref(), Some("hello"));
        assert_eq!(base64_decode("***"), None);
    }

    #[test]
    fn string_hash_matches_java() {
        assert_eq!(java_hash(""), 0);
        assert_eq!(java_hash("hello"), 99162322);
    }
}
