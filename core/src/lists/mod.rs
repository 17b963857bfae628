//! Lists of users read page by page (a SKU's holders, unlicensed users) and their
//! formula-safe CSV.

pub mod csv;
pub mod holders;
pub mod user_list;
