//! The settings for the whole batch. Each control commits on `change` (not on every keystroke), and
//! each commit re-processes the batch.

use leptos::{ev, prelude::*};
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};

use crate::{
    batch::Batch,
    persist,
    settings::{Filter, Format, MAX_PERCENT, MAX_SIDE, Metadata, ResizeKind, Settings},
};

/// The value of the `<input>` or `<select>` an event came from.
fn value_of(e: &ev::Event) -> String {
    let target = e.target();
    if let Some(input) = target.clone().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) {
        return if input.type_() == "checkbox" { input.checked().to_string() } else { input.value() };
    }
    target.and_then(|t| t.dyn_into::<HtmlSelectElement>().ok()).map(|s| s.value()).unwrap_or_default()
}

/// A whole number typed into a size field, brought into 1..=max.
fn number(value: &str, max: u32) -> Option<u32> {
    value.trim().parse::<u32>().ok().map(|n| n.clamp(1, max))
}

#[component]
pub fn SettingsPanel() -> impl IntoView {
    let batch = expect_context::<Batch>();
    let settings = batch.settings;
    // Applies a change only when it changes something, so re-committing a field costs nothing.
    let change = move |apply: fn(&mut Settings, &str)| {
        move |e: ev::Event| {
            let value = value_of(&e);
            let mut next = settings.get_untracked();
            apply(&mut next, &value);
            if next != settings.get_untracked() {
                settings.set(next);
            }
        }
    };
    let copied = RwSignal::new(false);
    let copy_link = move |_| {
        let link = persist::share_link(&settings.get_untracked());
        if let Some(window) = web_sys::window() {
            let _ = window.navigator().clipboard().write_text(&link);
            copied.set(true);
        }
    };

    view! {
        <section class="settings" aria-labelledby="settings-heading">
            <h2 id="settings-heading">"Settings for all images"</h2>
            <div class="fields">
                <div class="field">
                    <label for="resize">"Resize"</label>
                    <select id="resize" on:change=change(|s, v| s.resize = ResizeKind::from_key(v).unwrap_or(s.resize))>
                        {ResizeKind::ALL.iter().map(|&k| view! {
                            <option value=k.key() selected=move || settings.with(|s| s.resize == k)>{k.label()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <Show when=move || settings.with(Settings::uses_width)>
                    <div class="field size">
                        <label for="width">"Width (px)"</label>
                        <input id="width" type="number" min="1" max=MAX_SIDE inputmode="numeric"
                            prop:value=move || settings.with(|s| s.width.to_string())
                            on:change=change(|s, v| s.width = number(v, MAX_SIDE).unwrap_or(s.width))/>
                    </div>
                </Show>
                <Show when=move || settings.with(Settings::uses_height)>
                    <div class="field size">
                        <label for="height">"Height (px)"</label>
                        <input id="height" type="number" min="1" max=MAX_SIDE inputmode="numeric"
                            prop:value=move || settings.with(|s| s.height.to_string())
                            on:change=change(|s, v| s.height = number(v, MAX_SIDE).unwrap_or(s.height))/>
                    </div>
                </Show>
                <Show when=move || settings.with(|s| s.resize == ResizeKind::Percent)>
                    <div class="field size">
                        <label for="percent">"Scale (%)"</label>
                        <input id="percent" type="number" min="1" max=MAX_PERCENT inputmode="numeric"
                            prop:value=move || settings.with(|s| s.percent.to_string())
                            on:change=change(|s, v| s.percent = number(v, MAX_PERCENT).unwrap_or(s.percent))/>
                    </div>
                </Show>
                <div class="field check">
                    <input id="never-upscale" type="checkbox"
                        prop:checked=move || settings.with(|s| s.never_upscale)
                        on:change=change(|s, v| s.never_upscale = v == "true")/>
                    <label for="never-upscale">"Never enlarge"</label>
                </div>
                <div class="field">
                    <label for="filter">"Filter"</label>
                    <select id="filter" on:change=change(|s, v| s.filter = Filter::from_key(v).unwrap_or(s.filter))>
                        {Filter::ALL.iter().map(|&f| view! {
                            <option value=f.key() selected=move || settings.with(|s| s.filter == f)>{f.label()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="format">"Format"</label>
                    <select id="format" on:change=change(|s, v| s.format = Format::from_key(v).unwrap_or(s.format))>
                        {Format::ALL.iter().map(|&f| view! {
                            <option value=f.key() selected=move || settings.with(|s| s.format == f)>{f.label()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <Show when=move || settings.with(|s| matches!(s.format, Format::Same | Format::Jpeg))>
                    <div class="field quality">
                        <label for="quality">"JPEG quality " <output for="quality">{move || settings.with(|s| s.quality)}</output></label>
                        <input id="quality" type="range" min="1" max="100"
                            prop:value=move || settings.with(|s| s.quality.to_string())
                            on:change=change(|s, v| s.quality = v.parse::<u8>().map_or(s.quality, |q| q.clamp(1, 100)))/>
                    </div>
                </Show>
                <div class="field">
                    <label for="max-kb">"Largest file (KB)"</label>
                    <input id="max-kb" type="number" min="1" inputmode="numeric" placeholder="no limit"
                        prop:value=move || settings.with(|s| s.max_kb.map(|kb| kb.to_string()).unwrap_or_default())
                        on:change=change(|s, v| s.max_kb = v.trim().parse::<u32>().ok().filter(|&kb| kb > 0))/>
                </div>
                <div class="field wide">
                    <label for="metadata">"Metadata"</label>
                    <select id="metadata" on:change=change(|s, v| s.metadata = Metadata::from_key(v).unwrap_or(s.metadata))>
                        {Metadata::ALL.iter().map(|&m| view! {
                            <option value=m.key() selected=move || settings.with(|s| s.metadata == m)>{m.label()}</option>
                        }).collect_view()}
                    </select>
                </div>
            </div>
            <p class="settings-actions">
                <button type="button" class="button" on:click=copy_link>"Copy link to these settings"</button>
                <span class="fine-print" role="status">{move || copied.get().then_some("Link copied.")}</span>
                <button type="button" class="button quiet" on:click=move |_| settings.set(Settings::default())>"Reset to defaults"</button>
            </p>
        </section>
    }
}
