//! Minimal URL helpers: percent-encoding, query strings and origin checks.
//!
//! License Desk builds every Graph URL itself, so it needs only these few pieces and not
//! a general URL crate (which would cost bundle bytes in the browser).

/// Percent-encodes everything except RFC 3986 unreserved characters.
pub fn encode_component(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Like [`encode_component`], but keeps `@` so UPNs stay readable in paths, as Graph allows.
pub fn encode_path_segment(value: &str) -> String {
    encode_component(value).replace("%40", "@")
}

/// Decodes `%XX` escapes and, in query strings, `+` as space.
pub fn decode_component(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'%' if index + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[index + 1..index + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(byte) => {
                        out.push(byte);
                        index += 3;
                        continue;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            other => out.push(other),
        }
        index += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Splits `path?query` and decodes the query into ordered pairs.
pub fn split_query(path_and_query: &str) -> (&str, Vec<(String, String)>) {
    match path_and_query.split_once('?') {
        None => (path_and_query, Vec::new()),
        Some((path, query)) => (path, parse_query(query)),
    }
}

pub fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((key, value)) => (decode_component(key), decode_component(value)),
            None => (decode_component(pair), String::new()),
        })
        .collect()
}

/// Builds `key=value&…` with both sides encoded. `$` stays literal, as Graph docs write it.
pub fn build_query(pairs: &[(&str, String)]) -> String {
    pairs
        .iter()
        .map(|(key, value)| {
            format!(
                "{}={}",
                encode_component(key).replace("%24", "$"),
                encode_component(value)
                    .replace("%24", "$")
                    .replace("%2C", ",")
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Scheme, host and port of an absolute `http(s)://` URL, lower-cased, without the path.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next()?;
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    Some(format!("{scheme}://{}", authority.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_and_decodes_round_trip() {
        let raw = "O'Brien & Co/ä#?";
        assert_eq!(decode_component(&encode_component(raw)), raw);
    }

    #[test]
    fn keeps_at_sign_in_upn_paths() {
        assert_eq!(
            encode_path_segment("adele#ext#@contoso.com"),
            "adele%23ext%23@contoso.com"
        );
    }

    #[test]
    fn origin_rejects_userinfo_and_other_schemes() {
        assert_eq!(
            origin_of("https://Graph.Microsoft.com/v1.0/me"),
            Some("https://graph.microsoft.com".into())
        );
        assert_eq!(origin_of("https://graph.microsoft.com@evil.example/"), None);
        assert_eq!(origin_of("javascript:alert(1)"), None);
        assert_eq!(origin_of("ftp://graph.microsoft.com"), None);
    }

    #[test]
    fn truncated_escape_is_kept_literally() {
        assert_eq!(decode_component("50%"), "50%");
        assert_eq!(decode_component("a%2"), "a%2");
        assert_eq!(decode_component("a%zz"), "a%zz");
    }
}
