//! Where the admin is in the app, as a value that round-trips through the address bar.
//!
//! Screens live in the query string (`?user=<id>`), not in the path, so a bookmark or a
//! reload works on any static host without server rewrite rules, and links from earlier
//! versions (`?user=`) keep working. Parameters that are not about the screen (`demo`,
//! `graph`, `timeout_s`) are left alone by navigation.

use crate::graph::ids::{GroupId, SkuId, UserId};

/// The screens of the app.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Screen {
    /// "Licenses in this tenant".
    #[default]
    Tenant,
    /// One user's licenses.
    User(UserId),
    /// "Bulk changes": one change for many users.
    Bulk,
    /// "Groups": groups with license errors first, then every group that assigns licenses.
    Groups,
    /// One group's licenses, members with errors and license changes.
    Group(GroupId),
    /// "Who has this license": the holders of one SKU (`?view=holders&sku=<id>`), all
    /// of them or only those who hold it directly (`&only=direct`).
    Holders(SkuId, Holding),
    /// "Unlicensed users" (`?view=unlicensed`).
    Unlicensed,
    /// "Reclaim licenses" (`?view=reclaim`): paid licenses nobody uses, and taking them back.
    Reclaim,
}

/// Which holders "Who has this license" lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Holding {
    #[default]
    Any,
    /// Only those who hold it directly: the seats an admin can free one by one.
    Direct,
}

/// The query parameters a screen owns; navigation replaces exactly these.
pub const SCREEN_PARAMETERS: [&str; 5] = ["user", "view", "group", "sku", "only"];

impl Screen {
    /// The screen named by a query string's parameters (already decoded).
    pub fn from_query(parameters: &[(String, String)]) -> Screen {
        let value = |name: &str| {
            parameters
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.trim())
                .filter(|value| !value.is_empty())
        };
        if let Some(id) = value("user") {
            return Screen::User(UserId::new(id));
        }
        if let Some(id) = value("group") {
            return Screen::Group(GroupId::new(id));
        }
        match value("view") {
            Some(view) if view.eq_ignore_ascii_case("bulk") => Screen::Bulk,
            Some(view) if view.eq_ignore_ascii_case("groups") => Screen::Groups,
            Some(view) if view.eq_ignore_ascii_case("holders") => match value("sku") {
                Some(sku) => Screen::Holders(
                    SkuId::new(sku),
                    match value("only") {
                        Some(only) if only.eq_ignore_ascii_case("direct") => Holding::Direct,
                        _ => Holding::Any,
                    },
                ),
                None => Screen::Tenant,
            },
            Some(view) if view.eq_ignore_ascii_case("unlicensed") => Screen::Unlicensed,
            Some(view) if view.eq_ignore_ascii_case("reclaim") => Screen::Reclaim,
            _ => Screen::Tenant,
        }
    }

    /// The parameters that name this screen.
    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        match self {
            Screen::Tenant => Vec::new(),
            Screen::User(id) => vec![("user", id.to_string())],
            Screen::Bulk => vec![("view", "bulk".to_string())],
            Screen::Groups => vec![("view", "groups".to_string())],
            Screen::Group(id) => vec![("group", id.to_string())],
            Screen::Holders(sku, holding) => {
                let mut query = vec![
                    ("view", "holders".to_string()),
                    ("sku", sku.as_str().to_string()),
                ];
                if *holding == Holding::Direct {
                    query.push(("only", "direct".to_string()));
                }
                query
            }
            Screen::Unlicensed => vec![("view", "unlicensed".to_string())],
            Screen::Reclaim => vec![("view", "reclaim".to_string())],
        }
    }

    pub fn user(&self) -> Option<&UserId> {
        match self {
            Screen::User(id) => Some(id),
            _ => None,
        }
    }

    pub fn group(&self) -> Option<&GroupId> {
        match self {
            Screen::Group(id) => Some(id),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn screens_round_trip_through_the_query() {
        let id = "8a5e9a52-4d1f-4bd0-9e0b-0c3f3c7d1a11";
        for screen in [
            Screen::Tenant,
            Screen::User(UserId::new(id)),
            Screen::Bulk,
            Screen::Groups,
            Screen::Group(GroupId::new(id)),
            Screen::Holders(
                SkuId::new("6fd2c87f-b296-42f0-b197-1e91e994b900"),
                Holding::Any,
            ),
            Screen::Holders(
                SkuId::new("6fd2c87f-b296-42f0-b197-1e91e994b900"),
                Holding::Direct,
            ),
            Screen::Unlicensed,
            Screen::Reclaim,
        ] {
            let pairs: Vec<(String, String)> = screen
                .to_query()
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect();
            assert_eq!(Screen::from_query(&pairs), screen);
        }
    }

    #[test]
    fn earlier_user_links_and_other_parameters() {
        let id = "8A5E9A52-4D1F-4BD0-9E0B-0C3F3C7D1A11";
        let screen = Screen::from_query(&query(&[("demo", ""), ("user", id)]));
        assert_eq!(screen.user().unwrap().as_str(), id.to_ascii_lowercase());
        assert_eq!(
            Screen::from_query(&query(&[("user", "  ")])),
            Screen::Tenant
        );
        assert_eq!(
            Screen::from_query(&query(&[("graph", "x")])),
            Screen::Tenant
        );
        assert_eq!(
            Screen::from_query(&query(&[("view", "nonsense")])),
            Screen::Tenant
        );
        assert_eq!(
            Screen::from_query(&query(&[("view", "bulk"), ("demo", "")])),
            Screen::Bulk
        );
        assert_eq!(
            Screen::from_query(&query(&[("demo", ""), ("view", "Reclaim")])),
            Screen::Reclaim
        );
        assert_eq!(
            Screen::from_query(&query(&[("view", "holders")])),
            Screen::Tenant,
            "holders of no SKU is no screen"
        );
    }

    #[test]
    fn groups_and_one_group() {
        assert_eq!(
            Screen::from_query(&query(&[("view", "Groups")])),
            Screen::Groups
        );
        let id = "0f1c6a3e-5b2d-4e8f-9a7c-1d2e3f4a5b60";
        let screen = Screen::from_query(&query(&[("group", id), ("view", "groups")]));
        assert_eq!(screen.group().unwrap().as_str(), id);
        assert_eq!(screen.user(), None);
        assert_eq!(
            Screen::from_query(&query(&[("group", " ")])),
            Screen::Tenant
        );
    }
}
