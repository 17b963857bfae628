//! The friendly names of SKUs and service plans, fetched from the site after sign-in.
//!
//! The table (`core/data/names.json`, derived from Microsoft's CSV) is a file the site
//! serves beside the app, precompressed and content-hashed like the modules, instead of
//! code in the workspace module: it weighs on no one until they sign in, and it arrives
//! while the tenant's first reads are on their way. Until it does, and if it can't be read,
//! names fall back to Graph's own (see `license_desk_core::licensing::names`).

use license_desk_core::licensing::names::{NameTable, Names};

/// The table's file, as an absolute URL.
fn file() -> String {
    let [file] = crate::browser::site_files("license-desk-names", ["names.json"]);
    file
}

/// The names table, or `None` when it could not be read (names stay Graph's; the
/// console says why, for whoever hosts the site).
pub async fn fetch() -> Option<Names> {
    let file = file();
    let table = super::http::site_file(&file)
        .await
        .and_then(|text| NameTable::from_json(&text));
    match table {
        Ok(table) => Some(Names::new(table)),
        Err(why) => {
            leptos::logging::warn!(
                "License Desk shows Graph's own SKU and plan names: {why} ({file})"
            );
            None
        }
    }
}
