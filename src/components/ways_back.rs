//! "Back to holders of Office 365 E3": a link to each screen the run's users were chosen
//! on (a group, "Who has this license", "Unlicensed users"), shown while the run goes and
//! after it ends, so the admin can check the result where they started.

use crate::components::screen_link::ScreenLink;
use crate::state::bulk::BulkState;
use leptos::prelude::*;
use license_desk_core::wording::bulk as words;

#[component]
pub fn WaysBack() -> impl IntoView {
    let bulk = expect_context::<BulkState>();
    move || {
        let origins = bulk.origins.get();
        (!origins.is_empty()).then(|| {
            view! {
                <nav class="ways-back" aria-label="Where these users came from">
                    <ul>
                        {origins
                            .into_iter()
                            .map(|origin| {
                                view! {
                                    <li><ScreenLink screen=origin.screen>{words::way_back(&origin.label)}</ScreenLink></li>
                                }
                            })
                            .collect_view()}
                    </ul>
                </nav>
            }
        })
    }
}
