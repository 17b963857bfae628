//! What License Desk says when a typed usage location is not a country code.

use crate::licensing::usage_location::UsageLocationProblem;

impl UsageLocationProblem {
    /// What is wrong and what to type instead, shown next to the field.
    pub fn describe(&self) -> String {
        match self {
            UsageLocationProblem::Empty => {
                "Type the user's two-letter country code, such as US or GB.".into()
            }
            UsageLocationProblem::NotTwoLetters(typed) => format!(
                "“{typed}” is not a two-letter country code. Type two letters, such as US or GB."
            ),
            UsageLocationProblem::UnknownCountry(code) if code == "UK" => {
                "UK is not an ISO 3166 country code; the United Kingdom is GB.".into()
            }
            UsageLocationProblem::UnknownCountry(code) => {
                format!("{code} is not an ISO 3166 country code. Check the code, such as US or GB.")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::licensing::usage_location::parse_usage_location;

    #[test]
    fn each_problem_says_what_to_type() {
        let says = |input: &str| parse_usage_location(input).unwrap_err().describe();
        assert!(says("").contains("two-letter country code"));
        assert!(says("usa").contains("“usa” is not a two-letter country code"));
        assert!(says("uk").contains("the United Kingdom is GB"));
        assert!(says("qq").starts_with("QQ is not an ISO 3166 country code"));
    }
}
