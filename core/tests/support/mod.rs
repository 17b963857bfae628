//! Reading Microsoft's published samples from `tests/fixtures/`.
//!
//! Documentation samples carry artefacts no Graph response has: an HTTP status line and
//! headers, `# comments`, `...` placeholders and trailing commas. These helpers remove
//! exactly those and nothing else.
#![allow(dead_code)]

use std::path::PathBuf;

pub fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The body of an HTTP transcript (everything after the first `{`-line following the headers).
pub fn body_of(transcript: &str) -> String {
    let start = transcript
        .find("\n{")
        .map(|i| i + 1)
        .or_else(|| transcript.find('{'))
        .expect("transcript has a JSON body");
    transcript[start..].to_string()
}

/// Removes `# comments` outside strings, `...` placeholder lines and trailing commas.
pub fn docs_sample_to_json(text: &str) -> String {
    let mut without_comments = String::new();
    for line in text.lines() {
        let mut in_string = false;
        let mut escaped = false;
        let mut cut = line.len();
        for (i, c) in line.char_indices() {
            match c {
                '\\' if in_string => escaped = !escaped,
                '"' if !escaped => in_string = !in_string,
                '#' if !in_string => {
                    cut = i;
                    break;
                }
                _ => escaped = false,
            }
            if c != '\\' {
                escaped = false;
            }
        }
        let kept = line[..cut].trim_end();
        if kept.trim() == "..." {
            continue;
        }
        without_comments.push_str(kept);
        without_comments.push('\n');
    }
    // Trailing commas: a comma followed only by whitespace and a closing bracket.
    let chars: Vec<char> = without_comments.chars().collect();
    let mut out = String::new();
    let mut in_string = false;
    let mut escaped = false;
    for (i, &c) in chars.iter().enumerate() {
        if in_string {
            escaped = c == '\\' && !escaped;
            if c == '"' && !escaped {
                in_string = false;
            }
            out.push(c);
            continue;
        }
        if c == '"' {
            in_string = true;
        }
        if c == ',' {
            let next = chars[i + 1..].iter().find(|n| !n.is_whitespace());
            if matches!(next, Some('}') | Some(']')) {
                continue;
            }
        }
        out.push(c);
    }
    out
}

#[test]
fn helper_keeps_hashes_inside_strings() {
    let cleaned = docs_sample_to_json("{\"a\": \"x#y\", # note\n \"b\": [1,],\n ...\n}");
    let value: serde_json::Value = serde_json::from_str(&cleaned).unwrap();
    assert_eq!(value["a"], "x#y");
    assert_eq!(value["b"], serde_json::json!([1]));
}
