//! The ids and names the demo tenant is built from (its SKUs, plans and groups), which
//! documentation, specs and the reclaim personas all name, and the one way a license of
//! the seed is written.

use crate::fixtures::g;
use license_desk_core::graph::model::AssignedLicense;

pub const E3: &str = "6fd2c87f-b296-42f0-b197-1e91e994b900";
pub const E5: &str = "c7df2760-2c81-4ef7-b578-5b5392b571df";
pub const EMS: &str = "efccb6f7-5641-4e0e-bd10-b4976e1bf68e";
pub const AAD_P2: &str = "84a661c4-e949-4bd2-a560-ed7766fcaf2b";
pub const POWER_BI_PRO: &str = "f8a1db68-be16-40ed-86d5-cb42ce701560";
pub const EXCHANGE_P1: &str = "4b9405b0-7788-4568-add1-99614e613b69";
pub const FLOW_FREE: &str = "f30db892-07e9-47e9-837c-80727f46fd3d";
pub const PROJECT_PREMIUM: &str = "09015f9f-377f-4538-bbb5-f75ceb09358a";
pub const WINDOWS_STORE: &str = "6470687e-a428-4b7a-bef2-8a291ad947c9";

pub const PLAN_SWAY: &str = "a23b959c-7ce8-4e57-9140-b90eb88a9e97";
pub const PLAN_YAMMER: &str = "7547a3fe-08ee-4ccb-b430-5077c5041653";
pub const PLAN_SHAREPOINT_P2: &str = "5dbe027f-2339-4123-9542-606e4d348a72";
pub const PLAN_SHAREPOINT_PROJECT: &str = "fe71d6c3-a2ea-4499-9778-da042bf08063";
pub const PLAN_EXCHANGE_P1: &str = "9aaf7827-d63c-4b61-89c3-182f06f82e5c";
pub const PLAN_EXCHANGE_P2: &str = "efb87545-963c-4e0d-99df-69c6916d9eb0";
pub const PLAN_MFA: &str = "8a256a2b-b617-496d-b51b-e76466e88db0";

pub const GROUP_ALL_STAFF: &str = "0f1c6a3e-5b2d-4e8f-9a7c-1d2e3f4a5b60";
pub const GROUP_EXECUTIVES: &str = "2a3b4c5d-6e7f-4081-92a3-b4c5d6e7f809";
pub const GROUP_PROJECT: &str = "3b4c5d6e-7f80-4192-a3b4-c5d6e7f8091a";
pub const GROUP_SECURITY: &str = "4c5d6e7f-8091-42a3-b4c5-d6e7f8091a2b";

pub const DOMAIN: &str = "contoso.example";

/// A license of `sku` with the plans `off` switched off.
pub fn license(sku: &str, off: &[&str]) -> AssignedLicense {
    AssignedLicense {
        sku_id: g(sku),
        disabled_plans: off.iter().map(|p| g(p)).collect(),
    }
}
