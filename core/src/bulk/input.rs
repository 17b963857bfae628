//! Parsing the list of users an admin pasted or uploaded.
//!
//! Admins bring users as a column copied from a spreadsheet, a list of UPNs, or a CSV
//! exported from the Entra admin centre (`userPrincipalName`, `id`, … columns, `,` or `;`
//! separated). Every non-empty line either yields an identifier or is listed with its
//! line number and the reason it was not used: nothing is dropped silently. The same
//! user given twice (in any letter case) is kept once and counted.

use crate::guid::Guid;
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
