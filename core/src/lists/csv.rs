//! CSV that opens safely in a spreadsheet: fields quoted where needed, and a leading
//! `=`, `+`, `-`, `@`, tab or carriage return defused with a `'`, so a display name
//! chosen by anyone in the directory can never run as a formula on the admin's machine.

/// One field, escaped.
pub fn field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// One row, ended with CRLF as RFC 4180 has it.
pub fn row<S: AsRef<str>>(fields: &[S]) -> String {
    let mut line = fields
        .iter()
        .map(|f| field(f.as_ref()))
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

/// A whole file: the `header` row, then each of `rows`.
pub fn table<H: AsRef<str>, R: AsRef<[String]>>(
    header: &[H],
    rows: impl IntoIterator<Item = R>,
) -> String {
    let mut out = row(header);
    for fields in rows {
        out.push_str(&row(fields.as_ref()));
    }
    out
}

/// `Yes`, `No`, or empty when Graph did not say.
pub fn yes_no(value: Option<bool>) -> &'static str {
    match value {
        Some(true) => "Yes",
        Some(false) => "No",
        None => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_and_separators_quoted() {
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("+1"), "'+1");
        assert_eq!(field("-1"), "'-1");
        assert_eq!(field("@SUM"), "'@SUM");
        assert_eq!(field("\tcmd"), "'\tcmd");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("line\nbreak"), "\"line\nbreak\"");
        assert_eq!(field("plain"), "plain");
        assert_eq!(row(&["a", "=b"]), "a,'=b\r\n");
    }
}
