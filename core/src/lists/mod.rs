//! Lists of users across the tenant, read page by page: a SKU's holders, unlicensed users,
//! and the licenses nobody uses ("Reclaim licenses"), each with its formula-safe CSV.

pub mod csv;
pub mod holders;
pub mod reclaim;
pub mod user_list;
