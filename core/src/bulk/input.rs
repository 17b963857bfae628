//! Parsing the list of users an admin pasted or uploaded.
//!
//! Admins bring users as a column copied from a spreadsheet, a list of UPNs, or a CSV
//! exported from the Entra admin centre (`userPrincipalName`, `id`, … columns, `,` or `;`
//! separated). Every non-empty line either yields an identifier or is listed with its
//! line number and the reason it was not used: nothing is dropped silently. The same
//! user given twice (in any letter case) is kept once and counted.

use crate::graph::ids::Guid;
use crate::wording::bulk as words;
use std::collections::BTreeSet;

/// A user as given: a UPN, an email address or an object id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identifier {
    pub value: String,
    /// 1-based line number in what was pasted.
    pub line: usize,
}

/// A line that yielded no identifier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadLine {
    pub line: usize,
    pub text: String,
    pub reason: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParsedUsers {
    pub identifiers: Vec<Identifier>,
    pub bad_lines: Vec<BadLine>,
    /// Identifiers given again (case-insensitively) and merged into the first.
    pub duplicates: usize,
}

/// Header names of the column that holds the user, most preferred first.
const COLUMNS: [&str; 5] = ["userprincipalname", "upn", "mail", "id", "objectid"];

/// True for an object id or something shaped like `local@domain.tld` without spaces.
pub fn is_identifier(value: &str) -> bool {
    if value.len() == 36 && Guid::new(value).is_well_formed() {
        return true;
    }
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    if value.contains(['"', ',', ';', '<', '>', '(', ')', '[', ']', '\\']) {
        return false;
    }
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    let labels: Vec<&str> = domain.split('.').collect();
    !local.is_empty()
        && !domain.contains('@')
        && labels.len() >= 2
        && labels.iter().all(|label| !label.is_empty())
        && labels.last().is_some_and(|tld| tld.chars().count() >= 2)
}

/// Splits one CSV line on `separator`, honouring `"` quotes with `""` escapes. `None`
/// when a quote is not closed.
fn split_fields(line: &str, separator: char) -> Option<Vec<String>> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    let mut at_start = true;
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
        } else if c == '"' && at_start {
            quoted = true;
            at_start = false;
            field.clear();
        } else if c == separator {
            fields.push(std::mem::take(&mut field));
            at_start = true;
        } else {
            if !(at_start && c.is_whitespace()) {
                at_start = false;
            }
            field.push(c);
        }
    }
    if quoted {
        return None;
    }
    fields.push(field);
    Some(fields.into_iter().map(|f| f.trim().to_string()).collect())
}

/// The CSV layout, when the first non-empty line is a header naming a user column.
struct Header {
    separator: char,
    column: usize,
    name: String,
}

fn header_of(line: &str) -> Option<Header> {
    let separator = if line.matches(';').count() > line.matches(',').count() {
        ';'
    } else {
        ','
    };
    let fields = split_fields(line, separator)?;
    let names: Vec<String> = fields
        .iter()
        .map(|f| f.trim().to_ascii_lowercase())
        .collect();
    COLUMNS.iter().find_map(|wanted| {
        let column = names.iter().position(|name| name == wanted)?;
        Some(Header {
            separator,
            column,
            name: fields[column].trim().to_string(),
        })
    })
}

/// Parses pasted text: one identifier per line, or a CSV with a user column.
pub fn parse_users(text: &str) -> ParsedUsers {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut parsed = ParsedUsers::default();
    let mut seen = BTreeSet::new();
    let mut header: Option<Header> = None;
    let mut first = true;
    for (number, raw) in text.split('\n').enumerate() {
        let line = number + 1;
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let trimmed = raw.trim().trim_start_matches('\u{feff}').trim();
        if trimmed.is_empty() {
            continue;
        }
        if first {
            first = false;
            header = header_of(trimmed);
            if header.is_some() {
                continue;
            }
        }
        let value = match &header {
            Some(header) => match split_fields(trimmed, header.separator) {
                None => Err(words::UNCLOSED_QUOTE.to_string()),
                Some(fields) => match fields.get(header.column).filter(|v| !v.is_empty()) {
                    None => Err(words::column_empty(&header.name)),
                    Some(value) => Ok(value.clone()),
                },
            },
            None => plain_value(trimmed),
        };
        let checked = value.and_then(|value| {
            if is_identifier(&value) {
                Ok(value)
            } else {
                Err(words::NOT_AN_IDENTIFIER.to_string())
            }
        });
        match checked {
            Ok(value) => {
                if seen.insert(value.to_lowercase()) {
                    parsed.identifiers.push(Identifier { value, line });
                } else {
                    parsed.duplicates += 1;
                }
            }
            Err(reason) => parsed.bad_lines.push(BadLine {
                line,
                text: raw.to_string(),
                reason,
            }),
        }
    }
    parsed
}

/// A line of a plain list: the value itself, or one quoted value.
fn plain_value(line: &str) -> Result<String, String> {
    if line.starts_with('"') {
        return match split_fields(line, ',') {
            None => Err(words::UNCLOSED_QUOTE.to_string()),
            Some(fields) if fields.len() == 1 => Ok(fields[0].clone()),
            Some(_) => Err(words::NOT_AN_IDENTIFIER.to_string()),
        };
    }
    Ok(line.to_string())
}

/// Merges several sources' identifiers in order, keeping the first of each user
/// (case-insensitively). Returns the list and how many were merged away.
pub fn merge_sources(lists: &[Vec<String>]) -> (Vec<String>, usize) {
    let mut seen = BTreeSet::new();
    let mut merged = Vec::new();
    let mut duplicates = 0;
    for value in lists.iter().flatten() {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        if seen.insert(value.to_lowercase()) {
            merged.push(value.to_string());
        } else {
            duplicates += 1;
        }
    }
    (merged, duplicates)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(parsed: &ParsedUsers) -> Vec<(&str, usize)> {
        parsed
            .identifiers
            .iter()
            .map(|i| (i.value.as_str(), i.line))
            .collect()
    }

    #[test]
    fn a_plain_list_keeps_line_numbers_skips_blanks_and_merges_duplicates() {
        let parsed = parse_users(
            "\u{feff}adele@contoso.com\r\n\r\n  Alex@Contoso.com \r\nADELE@contoso.com\n6fd2c87f-b296-42f0-b197-1e91e994b900\nnot an email\n\"megan@contoso.com\"\n",
        );
        assert_eq!(
            values(&parsed),
            vec![
                ("adele@contoso.com", 1),
                ("Alex@Contoso.com", 3),
                ("6fd2c87f-b296-42f0-b197-1e91e994b900", 5),
                ("megan@contoso.com", 7),
            ]
        );
        assert_eq!(parsed.duplicates, 1);
        assert_eq!(
            parsed.bad_lines,
            vec![BadLine {
                line: 6,
                text: "not an email".into(),
                reason: words::NOT_AN_IDENTIFIER.into()
            }]
        );
    }

    #[test]
    fn a_csv_uses_the_preferred_column_with_quotes_and_semicolons() {
        let parsed = parse_users(
            "\u{feff}Id;DisplayName;UserPrincipalName\r\n\
             1;\"Vance; Adele\";adele@contoso.com\r\n\
             2;\"Say \"\"hi\"\"\";\r\n\
             3;\"unclosed;x@y.com\r\n\
             4;Megan;\"megan@contoso.com\"\r\n",
        );
        assert_eq!(
            values(&parsed),
            vec![("adele@contoso.com", 2), ("megan@contoso.com", 5)]
        );
        let reasons: Vec<(usize, &str)> = parsed
            .bad_lines
            .iter()
            .map(|b| (b.line, b.reason.as_str()))
            .collect();
        assert_eq!(
            reasons,
            vec![
                (3, "the UserPrincipalName column is empty"),
                (4, words::UNCLOSED_QUOTE)
            ]
        );
    }

    #[test]
    fn a_header_names_the_column_in_order_of_preference() {
        let parsed =
            parse_users("mail,ObjectId\nm@contoso.com,6fd2c87f-b296-42f0-b197-1e91e994b900\n");
        assert_eq!(values(&parsed), vec![("m@contoso.com", 2)]);
        let parsed = parse_users(
            "displayName,objectid\nAdele,6fd2c87f-b296-42f0-b197-1e91e994b900\nAlex,nope\n",
        );
        assert_eq!(
            values(&parsed),
            vec![("6fd2c87f-b296-42f0-b197-1e91e994b900", 2)]
        );
        assert_eq!(parsed.bad_lines[0].line, 3);
        // Without a known column the first line is data, and a bad one is listed.
        let parsed = parse_users("name,email\nadele@contoso.com\n");
        assert_eq!(parsed.bad_lines[0].line, 1);
        assert_eq!(values(&parsed), vec![("adele@contoso.com", 2)]);
    }

    #[test]
    fn identifiers_are_guids_or_local_at_domain_dot_tld() {
        for ok in [
            "a@b.co",
            "first.last+tag@sub.contoso.com",
            "ext_user#EXT#@contoso.onmicrosoft.com",
            "6FD2C87F-B296-42F0-B197-1E91E994B900",
        ] {
            assert!(is_identifier(ok), "{ok}");
        }
        for bad in [
            "",
            "a@b",
            "@b.com",
            "a@.com",
            "a@b.c",
            "a b@c.com",
            "a@b@c.com",
            "a@b..com",
            "Adele <a@b.com>",
            "6fd2c87f-b296-42f0-b197-1e91e994b90",
            "a;b@c.com",
        ] {
            assert!(!is_identifier(bad), "{bad}");
        }
    }

    #[test]
    fn sources_merge_in_order_without_case_duplicates() {
        let (merged, duplicates) = merge_sources(&[
            vec!["a@x.com".into(), "B@x.com".into()],
            vec![
                "b@X.com".into(),
                " ".into(),
                "c@x.com".into(),
                "A@x.com".into(),
            ],
        ]);
        assert_eq!(merged, vec!["a@x.com", "B@x.com", "c@x.com"]);
        assert_eq!(duplicates, 2);
    }

    #[cfg(not(target_arch = "wasm32"))]
    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        fn identifier() -> impl Strategy<Value = String> {
            prop_oneof![
                "[a-zA-Z0-9._+'-]{1,12}@[a-z0-9-]{1,8}\\.[a-z]{2,5}",
                any::<u128>().prop_map(|n| crate::Guid::from_u128(n).as_str().to_string()),
            ]
        }

        proptest! {
            #[test]
            fn what_is_written_is_read_back(
                ids in proptest::collection::vec(identifier(), 0..30),
                csv in any::<bool>(),
                semicolon in any::<bool>(),
                crlf in any::<bool>(),
                quote in any::<bool>(),
            ) {
                let end = if crlf { "\r\n" } else { "\n" };
                let sep = if semicolon { ";" } else { "," };
                let mut text = String::new();
                if csv {
                    text.push_str(&format!("displayName{sep}userPrincipalName{end}"));
                }
                for (i, id) in ids.iter().enumerate() {
                    let value = if quote { format!("\"{}\"", id.replace('"', "\"\"")) } else { id.clone() };
                    if csv {
                        text.push_str(&format!("\"Name {i}{sep} \"\"x\"\"\"{sep}{value}{end}"));
                    } else {
                        text.push_str(&format!("{value}{end}"));
                    }
                }
                let parsed = parse_users(&text);
                prop_assert!(parsed.bad_lines.is_empty(), "{:?}", parsed.bad_lines);
                let (expected, duplicates) = merge_sources(std::slice::from_ref(&ids));
                let got: Vec<String> = parsed.identifiers.iter().map(|i| i.value.clone()).collect();
                prop_assert_eq!(got, expected);
                prop_assert_eq!(parsed.duplicates, duplicates);
                let offset = usize::from(csv);
                for identifier in &parsed.identifiers {
                    let first = ids.iter().position(|id| id.eq_ignore_ascii_case(&identifier.value)).unwrap();
                    prop_assert_eq!(identifier.line, first + 1 + offset);
                }
            }
        }
    }
}
