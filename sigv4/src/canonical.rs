//! The canonical request pieces, as botocore's `SigV4Auth` (and AWS's other SDKs) build them
//! for services other than S3.

/// `A-Z a-z 0-9 - . _ ~` (RFC 3986 unreserved) stay; every other byte becomes `%XX`
/// (upper-case hex). With `keep_slash`, `/` stays too (paths).
pub(crate) fn uri_encode(bytes: &[u8], keep_slash: bool) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'.' | b'_' | b'~')
            || (keep_slash && b == b'/')
        {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
    }
    out
}

/// Decodes `%XX` escapes; anything else (including `+` and malformed escapes) stays as is.
pub(crate) fn percent_decode(s: &str) -> Vec<u8> {
    fn hex(b: u8) -> Option<u8> {
        match b {
            b'0'..=b'9' => Some(b - b'0'),
            b'a'..=b'f' => Some(b - b'a' + 10),
            b'A'..=b'F' => Some(b - b'A' + 10),
            _ => None,
        }
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push(h << 4 | l);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

/// botocore's `normalize_url_path`: an empty path is `/`; otherwise RFC 3986 dot-segment
/// removal that also drops empty segments (`//`), keeping the leading and trailing `/`.
pub(crate) fn normalize_path(path: &str) -> String {
    if path.is_empty() {
        return "/".to_owned();
    }
    let mut out: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            s => out.push(s),
        }
    }
    let first = if path.starts_with('/') { "/" } else { "" };
    let last = if path.ends_with('/') && !out.is_empty() {
        "/"
    } else {
        ""
    };
    format!("{first}{}{last}", out.join("/"))
}

/// The canonical URI of non-S3 services: the path as sent on the wire (already
/// percent-encoded), normalised, then URI-encoded once more. So `a%20b` becomes `a%2520b`:
/// AWS "double-encodes" every path except S3's.
pub(crate) fn canonical_uri(raw_path: &str) -> String {
    uri_encode(normalize_path(raw_path).as_bytes(), true)
}

/// The canonical query as the SigV4 specification defines it: each name and value decoded and
/// re-encoded with [`uri_encode`], sorted by name then value, joined with `&`. A parameter
/// without `=` gets an empty value; empty parameters (`a=1&&b=2`) are skipped.
pub(crate) fn canonical_query(raw_query: &str) -> String {
    let mut pairs: Vec<(String, String)> = raw_query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (
                uri_encode(&percent_decode(k), false),
                uri_encode(&percent_decode(v), false),
            )
        })
        .collect();
    pairs.sort();
    join_pairs(&pairs)
}

/// What botocore does with a query already in the URL (the normal case for its clients): the
/// pairs as they are on the wire, not re-encoded, sorted. Identical to [`canonical_query`]
/// whenever the client encoded the query the SigV4 way.
pub(crate) fn canonical_query_as_sent(raw_query: &str) -> String {
    if raw_query.is_empty() {
        return String::new();
    }
    let mut pairs: Vec<(String, String)> = raw_query
        .split('&')
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (k.to_owned(), v.to_owned())
        })
        .collect();
    pairs.sort();
    join_pairs(&pairs)
}

fn join_pairs(pairs: &[(String, String)]) -> String {
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    out
}

/// SigV4's `Trimall`: leading and trailing white space removed, inner runs collapsed to one
/// space.
pub(crate) fn trim_all(value: &str) -> String {
    value.split_ascii_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalised_and_double_encoded() {
        assert_eq!(canonical_uri(""), "/");
        assert_eq!(canonical_uri("/"), "/");
        assert_eq!(canonical_uri("/cognito-idp"), "/cognito-idp");
        assert_eq!(canonical_uri("/cognito-idp/"), "/cognito-idp/");
        assert_eq!(
            canonical_uri("/apigateway/restapis/a%20b"),
            "/apigateway/restapis/a%2520b"
        );
        assert_eq!(
            canonical_uri("/apigateway//restapis/./abc/../abc123/"),
            "/apigateway/restapis/abc123/"
        );
        assert_eq!(canonical_uri("/../.."), "/");
        assert_eq!(canonical_uri("/a b/é"), "/a%20b/%C3%A9");
        assert_eq!(canonical_uri("/~a-b_c.d"), "/~a-b_c.d");
    }

    #[test]
    fn queries_are_sorted_and_encoded() {
        assert_eq!(canonical_query(""), "");
        assert_eq!(
            canonical_query("limit=25&embed=methods"),
            "embed=methods&limit=25"
        );
        assert_eq!(
            canonical_query("b=2&a=%2F%20z&a=1&empty=&flag"),
            "a=%2F%20z&a=1&b=2&empty=&flag="
        );
        assert_eq!(canonical_query("a=b c+d&&x=%7e"), "a=b%20c%2Bd&x=~");
        assert_eq!(canonical_query("bad=%zz%4"), "bad=%25zz%254");
        assert_eq!(canonical_query_as_sent("b=2&a=x%2By"), "a=x%2By&b=2");
        assert_eq!(canonical_query_as_sent("a&&b"), "=&a=&b=");
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%2Fb%2fc"), b"a/b/c");
        assert_eq!(percent_decode("%"), b"%");
        assert_eq!(percent_decode("%4"), b"%4");
        assert_eq!(percent_decode("%41"), b"A");
        assert_eq!(percent_decode("x%4"), b"x%4");
    }

    #[test]
    fn trim_all_collapses() {
        assert_eq!(trim_all("  first   value  "), "first value");
        assert_eq!(trim_all("a\t b"), "a b");
        assert_eq!(trim_all(""), "");
    }
}
