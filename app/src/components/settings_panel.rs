//! The settings for the whole batch. Each control commits on `change` (not on every keystroke), and
//! each commit re-processes the batch.

use leptos::{ev, leptos_dom::helpers::TimeoutHandle, prelude::*};
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};

use localpix_contract as api;

use crate::{
    batch::Batch,
    persist,
    settings::{Choice, ResizeKind, Settings, fields, metadata_description, presets::Preset},
};

/// The value of the `<input>` or `<select>` an event came from.
fn value_of(e: &ev::Event) -> String {
    let target = e.target();
    if let Some(input) = target.clone().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) {
        return if input.type_() == "checkbox" { input.checked().to_string() } else { input.value() };
    }
    target.and_then(|t| t.dyn_into::<HtmlSelectElement>().ok()).map(|s| s.value()).unwrap_or_default()
}

/// Said under the size limit when it could not be met at the size asked: how many results were
/// made smaller, and what would avoid it.
fn budget_warning(batch: &Batch) -> Option<String> {
    let (shrunk, done) = batch.rows.with(|rows| {
        rows.iter()
            .filter_map(|r| r.output.with(|o| o.as_ref().map(|o| o.shrunk)))
            .fold((0, 0), |(s, d), shrunk| (s + usize::from(shrunk), d + 1))
    });
    (shrunk > 0).then(|| {
        format!("{shrunk} of {done} results had to be made smaller than the size asked to fit. Allow more KB, or choose a smaller size.")
    })
}

/// A checked number field's handler: applies an accepted value to the batch's settings, only when
/// it changes something.
fn apply(settings: RwSignal<Settings>, apply: fn(&mut Settings, Option<u32>)) -> impl Fn(Option<u32>) + Copy + 'static {
    move |value| {
        let mut next = settings.get_untracked();
        apply(&mut next, value);
        if next != settings.get_untracked() {
            settings.set(next);
        }
    }
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
    let shown = move |number: fn(&Settings) -> Option<u32>| Signal::derive(move || settings.with(number));
    let copied = RwSignal::new(false);
    let copy_link = move |_| {
        let link = persist::share_link(&settings.get_untracked());
        if let Some(window) = web_sys::window() {
            let _ = window.navigator().clipboard().write_text(&link);
            copied.set(true);
        }
    };

    // On a phone the form would push the batch 1,500 px down: it starts folded into its summary
    // line, and opens on a tap. Wider screens show it open.
    let wide = !super::is_narrow();
    // The technical fields fold under "Advanced"; open from the start when the settings are no
    // preset (a link or a last visit with settings of their own), so what is in use is in sight.
    let advanced_open = Preset::of(&settings.get_untracked()).is_none();

    view! {
        <details class="settings" open=wide>
            <summary>
                <h2 id="settings-heading">"Settings for all images"</h2>
                <span class="settings-summary">{move || settings.with(Settings::summary)}</span>
            </summary>
            <div class="fields">
                <PresetField settings/>
                <div class="field-group">
                    <NumberField id="max-kb" label="Largest file (KB)" rule=fields::MAX_KB placeholder="no limit"
                        value=shown(|s| s.max_kb) on_valid=apply(settings, |s, v| s.max_kb = v)/>
                    {move || budget_warning(&batch).map(|text| view! { <p class="field-warning" role="status">{text}</p> })}
                </div>
                <NameField settings/>
                <CheckField id="keep-original" label="Keep the original when the result would be larger"
                    checked=Signal::derive(move || settings.with(|s| s.keep_smaller_original))
                    on_change=commit(settings, |s, v| s.keep_smaller_original = v == "true")/>
                <ChoiceField id="metadata" label="Metadata" wide=true current=Signal::derive(move || settings.with(|s| s.metadata))
                    on_change=commit(settings, |s, v| s.metadata = api::MetadataPolicy::from_key(v).unwrap_or(s.metadata))
                    description=Signal::derive(move || settings.with(|s| metadata_description(s.metadata)))/>
            </div>
            <details class="advanced" open=advanced_open>
                <summary>"Advanced: size, filter, format, quality"</summary>
                <div class="fields">
                <ChoiceField id="resize" label="Resize" current=Signal::derive(move || settings.with(|s| s.resize))
                    on_change=commit(settings, |s, v| s.resize = ResizeKind::from_key(v).unwrap_or(s.resize))/>
                <Show when=move || settings.with(Settings::uses_width)>
                    <NumberField id="width" label="Width (px)" rule=fields::WIDTH value=shown(|s| Some(s.width))
                        on_valid=apply(settings, |s, v| s.width = v.unwrap_or(s.width))/>
                </Show>
                <Show when=move || settings.with(Settings::uses_height)>
                    <NumberField id="height" label="Height (px)" rule=fields::HEIGHT value=shown(|s| Some(s.height))
                        on_valid=apply(settings, |s, v| s.height = v.unwrap_or(s.height))/>
                </Show>
                <Show when=move || settings.with(|s| s.resize == ResizeKind::Percent)>
                    <NumberField id="percent" label="Scale (%)" rule=fields::PERCENT value=shown(|s| Some(s.percent))
                        on_valid=apply(settings, |s, v| s.percent = v.unwrap_or(s.percent))/>
                </Show>
                <WidthsField settings/>
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
                    <NumberField id="colors" label="PNG colours (lossy)" rule=fields::COLORS placeholder="all"
                        value=shown(|s| s.palette_colors.map(u32::from))
                        on_valid=apply(settings, |s, v| s.palette_colors = v.map(|c| c as u16))/>
                </Show>
                </div>
            </details>
            <p class="settings-actions">
                <button type="button" class="button" on:click=copy_link>"Copy link to these settings"</button>
                <span class="fine-print" role="status">{move || copied.get().then_some("Link copied.")}</span>
                <button type="button" class="button quiet" on:click=move |_| settings.set(Settings::default())>"Reset to defaults"</button>
            </p>
        </details>
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

/// A labelled whole-number `<input>`, checked against its rule when it changes: an accepted value
/// goes to `on_valid`; any other stays in the field with a message beside it saying why and which
/// value is still in use, and is not used.
#[component]
fn NumberField(
    id: &'static str,
    label: &'static str,
    rule: fields::Rule,
    /// The value in use.
    value: Signal<Option<u32>>,
    on_valid: impl Fn(Option<u32>) + 'static,
    #[prop(optional)] placeholder: &'static str,
) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let error_id = format!("{id}-error");
    let on_change = move |e: ev::Event| match rule.check(&value_of(&e)) {
        Ok(accepted) => {
            error.set(None);
            on_valid(accepted);
        }
        Err(why) => {
            let in_use = value.get_untracked().map_or_else(|| placeholder.to_string(), |v| v.to_string());
            error.set(Some(format!("{why} Still using {in_use}.")));
        }
    };
    view! {
        <div class="field size" class:invalid=move || error.with(Option::is_some)>
            <label for=id>{label}</label>
            <input id=id type="text" inputmode="numeric" placeholder=placeholder
                prop:value=move || value.get().map(|v| v.to_string()).unwrap_or_default()
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                aria-describedby=move || error.with(Option::is_some).then(|| error_id.clone())
                on:change=on_change/>
            {move || error.get().map(|why| view! { <p class="field-error" id=format!("{id}-error") role="alert">{why}</p> })}
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

/// What the settings are for, for people who do not know what Lanczos3 is: picking a purpose sets
/// the size, format and quality fields under "Advanced"; the choice shown is read back from those
/// fields, so it says "Custom" as soon as one of them changes.
#[component]
fn PresetField(settings: RwSignal<Settings>) -> impl IntoView {
    const CUSTOM: &str = "custom";
    let active = move || settings.with(|s| Preset::of(s).map_or(CUSTOM, Preset::key));
    view! {
        <div class="field wide preset">
            <label for="preset">"Made for"</label>
            <select id="preset" on:change=move |e| {
                if let Some(preset) = Preset::from_key(&value_of(&e)) {
                    let next = preset.apply(&settings.get_untracked());
                    if next != settings.get_untracked() {
                        settings.set(next);
                    }
                }
            }>
                {Preset::ALL.iter().map(|&preset| view! {
                    <option value=preset.key() selected=move || active() == preset.key()>{preset.label()}</option>
                }).collect_view()}
                <option value=CUSTOM selected=move || active() == CUSTOM disabled=move || active() != CUSTOM>"Custom (see Advanced)"</option>
            </select>
        </div>
    }
}

/// How results are named: empty keeps each original's name (with the new extension), or a
/// template; one that is not accepted is never used.
#[component]
fn NameField(settings: RwSignal<Settings>) -> impl IntoView {
    view! {
        <CheckedTextField id="names" label="File names" placeholder="the original names"
            help="Empty keeps each name. Or a template: {name}, {width}, {height}, {n} (1, 2, 3…), {format}; the extension is added."
            check=fields::check_name_template settings
            get=|s| s.names.clone() set=|s, names| s.names = names text=|names| names.clone().unwrap_or_default()/>
    }
}

/// Several widths at once, for a web page's `srcset`: each file gives one result per width.
#[component]
fn WidthsField(settings: RwSignal<Settings>) -> impl IntoView {
    view! {
        <CheckedTextField id="widths" label="Several widths (px)" placeholder="one size"
            help="For a web page's srcset, e.g. 640, 1280, 1920: one result per width (replaces the size above), named {name}-{width}w unless the template says otherwise, and a Copy srcset button per photo."
            check=fields::check_widths settings
            get=|s| s.widths.clone() set=|s, widths| s.widths = widths text=|widths| fields::widths_text(widths)/>
    }
}

/// A labelled text `<input>` for one setting, checked when it changes, like the number fields:
/// an accepted value is set (when it changes something); any other stays in the field with a
/// message saying why and what is still in use, and is not used.
#[component]
fn CheckedTextField<T: PartialEq + Send + Sync + 'static>(
    id: &'static str,
    label: &'static str,
    /// Shown in the empty field, and said as what is in use when the setting is empty.
    placeholder: &'static str,
    help: &'static str,
    check: fn(&str) -> Result<T, String>,
    settings: RwSignal<Settings>,
    get: fn(&Settings) -> T,
    set: fn(&mut Settings, T),
    /// The setting as the field shows it.
    text: fn(&T) -> String,
) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let (error_id, help_id) = (format!("{id}-error"), format!("{id}-help"));
    let on_change = move |e: ev::Event| match check(&value_of(&e)) {
        Ok(value) => {
            error.set(None);
            if settings.with_untracked(|s| get(s) != value) {
                settings.update(|s| set(s, value));
            }
        }
        Err(why) => {
            let in_use = settings.with_untracked(|s| text(&get(s)));
            let in_use = if in_use.is_empty() { placeholder.to_string() } else { in_use };
            error.set(Some(format!("{why} Still using {in_use}.")));
        }
    };
    let described_by = {
        let (error_id, help_id) = (error_id.clone(), help_id.clone());
        move || if error.with(Option::is_some) { format!("{error_id} {help_id}") } else { help_id.clone() }
    };
    view! {
        <div class=format!("field wide {id}") class:invalid=move || error.with(Option::is_some)>
            <label for=id>{label}</label>
            <input id=id type="text" placeholder=placeholder spellcheck="false" autocomplete="off"
                prop:value=move || settings.with(|s| text(&get(s)))
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                aria-describedby=described_by
                on:change=on_change/>
            <p class="fine-print" id=help_id>{help}</p>
            {move || error.get().map(|why| view! { <p class="field-error" id=error_id.clone() role="alert">{why}</p> })}
        </div>
    }
}
