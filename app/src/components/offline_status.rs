//! Whether localpix works offline here, said truthfully, and the offer of a new version.

use leptos::prelude::*;

use crate::{
    batch::Batch,
    offline::{Offline, OfflineState},
};

#[component]
pub fn OfflineStatus() -> impl IntoView {
    let offline = expect_context::<Offline>();
    move || {
        let state = offline.state.get();
        let text = match &state {
            OfflineState::Checking => "Checking offline use…".to_string(),
            OfflineState::Preparing => "Getting ready to work offline…".to_string(),
            OfflineState::Ready => "Works offline: saved on this device".to_string(),
            OfflineState::Unavailable(reason) => format!("Not available offline: {reason}"),
        };
        view! { <p class="offline-status" data-offline=state.key()>{text}</p> }
    }
}

/// Shown when a new version is installed. Reloading is the user's choice, and is held back while
/// a batch is being processed so that nothing is lost mid-way.
#[component]
pub fn UpdateBanner() -> impl IntoView {
    let offline = expect_context::<Offline>();
    let batch = expect_context::<Batch>();
    let busy = move || batch.is_busy();
    view! {
        <Show when=move || offline.update_ready.get()>
            <aside class="update-banner" role="status">
                <span>"A new version of localpix is ready."</span>
                <button type="button" class="button small primary" disabled=busy on:click=move |_| offline.apply_update()>
                    "Reload to update"
                </button>
                <Show when=busy>
                    <span class="fine-print">"Available once this batch is finished."</span>
                </Show>
            </aside>
        </Show>
    }
}
