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

/// Percent-encodes what may never appear raw in a URL (controls, space, non-ASCII and
/// `"<>\^`{|}`) and keeps everything else, including existing `%XX` escapes and the
/// delimiters `/ ? & = #`. For showing an already built URL safely on one line.
pub fn encode_unsafe_in_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for byte in url.bytes() {
        let unsafe_byte = byte <= b' '
            || byte >= 0x7F
            || matches!(
                byte,
                b'"' | b'<' | b'>' | b'\\' | b'^' | b'`' | b'{' | b'|' | b'}'
            );
        if unsafe_byte {
            out.push_str(&format!("%{byte:02X}"));
        } else {
            out.push(byte as char);
        }
    }
    out
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
    fn path_segments_encode_every_hostile_character_but_at() {
        assert_eq!(
            encode_path_segment("o'brien o’b #1/?x=%\n\"`$(d)@contoso.com"),
            "o%27brien%20o%E2%80%99b%20%231%2F%3Fx%3D%25%0A%22%60%24%28d%29@contoso.com"
        );
    }

    #[test]
    fn unsafe_characters_in_a_built_url_are_encoded_and_escapes_kept() {
        assert_eq!(
            encode_unsafe_in_url("https://h/v1.0/users/a b\r\nX: y/ä?$select=id&x=%20#f"),
            "https://h/v1.0/users/a%20b%0D%0AX:%20y/%C3%A4?$select=id&x=%20#f"
        );
        let safe =
            "https://graph.microsoft.com/v1.0/users/o%27brien@contoso.com?$filter=a%20eq%201";
        assert_eq!(encode_unsafe_in_url(safe), safe);
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
