//! The embeddable widget (`embed.html`, framed by `<localpix-resizer>`): a drop zone and a compact
//! list. Results go to the host page as events rather than download links; settings come from
//! the host's attributes and apply to the next files.

use leptos::prelude::*;

use super::{drop_zone::DropZone, file_name::FileName, privacy::PrivacyNote};
use crate::{
    batch::{Batch, Row, RowState},
    embed, units,
};

#[component]
pub fn Widget() -> impl IntoView {
    embed::apply_initial_theme();
    let batch = Batch::new(embed::initial_settings());
    batch.load_engine();
    provide_context(batch);
    super::expose_engine_state(batch);
    let host = embed::host_origin();
    let framed = host.is_some();
    // Each row's privacy summary, when the host's `privacy="show"` asks for it.
    let show_privacy = RwSignal::new(embed::initial_privacy());
    if let Some(host) = host {
        embed::connect(batch, host, show_privacy);
    }
    view! {
        <main class="widget">
            // The frame is a page of its own to assistive technology: its heading names it, as the
            // host's frame title does; the drop zone already says the same on screen.
            <h1 class="visually-hidden">"localpix: resize images on this device"</h1>
            {(!framed).then(|| view! {
                <p class="fine-print">"This is the localpix widget. Sites embed it with embed.js (see docs/embed.md); on its own, use the full app."</p>
            })}
            <DropZone in_widget=true/>
            <ul class="widget-files" aria-label="Images">
                <For each=move || batch.rows.get() key=|row| row.id let:row>
                    <WidgetRow row show_privacy/>
                </For>
            </ul>
            <p class="visually-hidden" role="status" aria-live="polite">{move || batch.announcement.get()}</p>
        </main>
    }
}

#[component]
fn WidgetRow(row: Row, show_privacy: RwSignal<bool>) -> impl IntoView {
    let name = row.name();
    view! {
        <li class="widget-row file-row" data-state=move || row.state.with(|s| s.label())>
            <FileName name/>
            <span class="widget-detail">
                {move || match row.state.get() {
                    RowState::Done => row.output.get().map(|o| format!("{}×{}, {}", o.width, o.height, units::bytes(o.bytes))).unwrap_or_default(),
                    RowState::Failed(error) => error.message().to_string(),
                    other => other.label(),
                }}
            </span>
            <Show when=move || show_privacy.get()>
                <div class="widget-privacy">
                    <PrivacyNote row/>
                </div>
            </Show>
        </li>
    }
}
