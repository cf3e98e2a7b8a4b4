//! The settings for the whole batch. Each control commits on `change` (not on every keystroke), and
//! each commit re-processes the batch.

use leptos::{ev, leptos_dom::helpers::TimeoutHandle, prelude::*};
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};

use localpix_contract as api;

use crate::{
    batch::Batch,
    persist,
    settings::{Choice, MAX_PERCENT, MAX_SIDE, ResizeKind, Settings, metadata_description},
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

/// An event handler that applies `apply(settings, value)` to the batch's settings, only when it
/// changes something (re-committing a field costs nothing).
fn commit(settings: RwSignal<Settings>, apply: fn(&mut Settings, &str)) -> impl Fn(ev::Event) + Copy + 'static {
    move |e: ev::Event| {
        let mut next = settings.get_untracked();
        apply(&mut next, &value_of(&e));
        if next != settings.get_untracked() {
            settings.set(next);
        }
    }
}

#[component]
pub fn SettingsPanel() -> impl IntoView {
    let batch = expect_context::<Batch>();
    let settings = batch.settings;
    let shown = move |number: fn(&Settings) -> u32| Signal::derive(move || settings.with(number).to_string());
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
                <ChoiceField id="resize" label="Resize" current=Signal::derive(move || settings.with(|s| s.resize))
                    on_change=commit(settings, |s, v| s.resize = ResizeKind::from_key(v).unwrap_or(s.resize))/>
                <Show when=move || settings.with(Settings::uses_width)>
                    <NumberField id="width" label="Width (px)" max=MAX_SIDE value=shown(|s| s.width)
                        on_change=commit(settings, |s, v| s.width = number(v, MAX_SIDE).unwrap_or(s.width))/>
                </Show>
                <Show when=move || settings.with(Settings::uses_height)>
                    <NumberField id="height" label="Height (px)" max=MAX_SIDE value=shown(|s| s.height)
                        on_change=commit(settings, |s, v| s.height = number(v, MAX_SIDE).unwrap_or(s.height))/>
                </Show>
                <Show when=move || settings.with(|s| s.resize == ResizeKind::Percent)>
                    <NumberField id="percent" label="Scale (%)" max=MAX_PERCENT value=shown(|s| s.percent)
                        on_change=commit(settings, |s, v| s.percent = number(v, MAX_PERCENT).unwrap_or(s.percent))/>
                </Show>
                <CheckField id="never-upscale" label="Never enlarge" checked=Signal::derive(move || settings.with(|s| s.never_upscale))
                    on_change=commit(settings, |s, v| s.never_upscale = v == "true")/>
                <ChoiceField id="filter" label="Filter" current=Signal::derive(move || settings.with(|s| s.filter))
                    on_change=commit(settings, |s, v| s.filter = api::Filter::from_key(v).unwrap_or(s.filter))/>
                <ChoiceField id="format" label="Format" current=Signal::derive(move || settings.with(|s| s.format))
                    on_change=commit(settings, |s, v| s.format = api::OutputFormat::from_key(v).unwrap_or(s.format))/>
                <QualityField settings/>
                <ChoiceField id="effort" label="Effort" current=Signal::derive(move || settings.with(|s| s.effort))
                    on_change=commit(settings, |s, v| s.effort = api::Effort::from_key(v).unwrap_or(s.effort))/>
                <Show when=move || settings.with(|s| s.format == api::OutputFormat::Png)>
                    <div class="field">
                        <label for="colors">"PNG colours (lossy)"</label>
                        <input id="colors" type="number" min="2" max="256" inputmode="numeric" placeholder="all"
                            prop:value=move || settings.with(|s| s.palette_colors.map(|c| c.to_string()).unwrap_or_default())
                            on:change=commit(settings, |s, v| s.palette_colors = v.trim().parse::<u16>().ok().map(|c| c.clamp(2, 256)))/>
                    </div>
                </Show>
                <div class="field">
                    <label for="max-kb">"Largest file (KB)"</label>
                    <input id="max-kb" type="number" min="1" inputmode="numeric" placeholder="no limit"
                        prop:value=move || settings.with(|s| s.max_kb.map(|kb| kb.to_string()).unwrap_or_default())
                        on:change=commit(settings, |s, v| s.max_kb = v.trim().parse::<u32>().ok().filter(|&kb| kb > 0))/>
                </div>
                <CheckField id="keep-original" label="Keep the original when the result would be larger"
                    checked=Signal::derive(move || settings.with(|s| s.keep_smaller_original))
                    on_change=commit(settings, |s, v| s.keep_smaller_original = v == "true")/>
                <ChoiceField id="metadata" label="Metadata" wide=true current=Signal::derive(move || settings.with(|s| s.metadata))
                    on_change=commit(settings, |s, v| s.metadata = api::MetadataPolicy::from_key(v).unwrap_or(s.metadata))
                    description=Signal::derive(move || settings.with(|s| metadata_description(s.metadata)))/>
            </div>
            <p class="settings-actions">
                <button type="button" class="button" on:click=copy_link>"Copy link to these settings"</button>
                <span class="fine-print" role="status">{move || copied.get().then_some("Link copied.")}</span>
                <button type="button" class="button quiet" on:click=move |_| settings.set(Settings::default())>"Reset to defaults"</button>
            </p>
        </section>
    }
}

/// A labelled `<select>` of every choice of a setting.
#[component]
fn ChoiceField<T: Choice + Send + Sync>(
    id: &'static str,
    label: &'static str,
    current: Signal<T>,
    on_change: impl Fn(ev::Event) + 'static,
    #[prop(optional)] wide: bool,
    /// A sentence under the field about the current choice.
    #[prop(optional, into)]
    description: Option<Signal<&'static str>>,
) -> impl IntoView {
    let described_by = description.map(|_| format!("{id}-description"));
    view! {
        <div class="field" class:wide=wide>
            <label for=id>{label}</label>
            <select id=id on:change=on_change aria-describedby=described_by.clone()>
                {T::ALL.iter().map(|&choice| view! {
                    <option value=choice.key() selected=move || current.get() == choice>{choice.label()}</option>
                }).collect_view()}
            </select>
            {description.map(|text| view! { <p class="fine-print" id=described_by>{text}</p> })}
        </div>
    }
}

/// A labelled whole-number `<input>`.
#[component]
fn NumberField(
    id: &'static str,
    label: &'static str,
    max: u32,
    value: Signal<String>,
    on_change: impl Fn(ev::Event) + 'static,
) -> impl IntoView {
    view! {
        <div class="field size">
            <label for=id>{label}</label>
            <input id=id type="number" min="1" max=max inputmode="numeric" prop:value=value on:change=on_change/>
        </div>
    }
}

/// A labelled checkbox.
#[component]
fn CheckField(id: &'static str, label: &'static str, checked: Signal<bool>, on_change: impl Fn(ev::Event) + 'static) -> impl IntoView {
    view! {
        <div class="field check">
            <input id=id type="checkbox" prop:checked=checked on:change=on_change/>
            <label for=id>{label}</label>
        </div>
    }
}

/// The quality of lossy formats: automatic to a named target (the engine searches the smallest
/// file that still looks that good), or a number on a slider. The slider commits once it has
/// rested for a moment, so arrowing through values does not restart the batch at every step.
#[component]
fn QualityField(settings: RwSignal<Settings>) -> impl IntoView {
    const CUSTOM: &str = "custom";
    let mode = move || match settings.with(|s| s.quality) {
        api::Quality::Auto(target) => target.key(),
        api::Quality::Fixed(_) => CUSTOM.to_string(),
    };
    let number = move || match settings.with(|s| s.quality) {
        api::Quality::Fixed(q) => q,
        api::Quality::Auto(_) => 80,
    };
    let shown = RwSignal::new(number());
    let pending = StoredValue::new(None::<TimeoutHandle>);
    let settle = move |value: u8| {
        shown.set(value);
        if let Some(handle) = pending.get_value() {
            handle.clear();
        }
        let handle = set_timeout_with_handle(
            move || settings.update(|s| s.quality = api::Quality::Fixed(value)),
            std::time::Duration::from_millis(400),
        );
        pending.set_value(handle.ok());
    };
    view! {
        <div class="field">
            <label for="quality-mode">"Quality"</label>
            <select id="quality-mode" on:change=move |e| {
                let value = value_of(&e);
                let quality = api::QualityTarget::from_key(&value).map_or(api::Quality::Fixed(shown.get_untracked()), api::Quality::Auto);
                settings.update(|s| s.quality = quality);
            }>
                {api::QualityTarget::ALL.iter().map(|&target| view! {
                    <option value=target.key() selected=move || mode() == target.key()>{target.label()}</option>
                }).collect_view()}
                <option value=CUSTOM selected=move || mode() == CUSTOM>"Custom"</option>
            </select>
        </div>
        <Show when=move || mode() == CUSTOM>
            <div class="field quality">
                <label for="quality">"Quality " <output for="quality">{move || shown.get()}</output></label>
                <input id="quality" type="range" min="1" max="100"
                    prop:value=move || shown.get().to_string()
                    on:input=move |e| settle(value_of(&e).parse::<u8>().map_or(number(), |q| q.clamp(1, 100)))/>
            </div>
        </Show>
    }
}
