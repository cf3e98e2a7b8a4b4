//! The app's Rust logic in a real browser (Debian's Chromium, headless): settings in the URL and
//! localStorage, the ZIP built from Blobs, file naming from `File`s, and reading the messages the
//! image worker posts.

use js_sys::{Array, JSON, Reflect, Uint8Array};
use localpix_app::{
    bridge::{JobError, JobResult, PoolError, to_js},
    naming, persist, save,
    settings::{ResizeKind, Settings},
};
use localpix_contract::{Dimensions, Error as EngineError, ImageFormat, MetadataPolicy, OutputFormat, SensitiveKind};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{Blob, BlobPropertyBag, File};

wasm_bindgen_test_configure!(run_in_browser);

fn window() -> web_sys::Window {
    web_sys::window().expect("a window")
}

fn blob(bytes: &[u8], mime: &str) -> Blob {
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    Blob::new_with_u8_array_sequence_and_options(&Array::of1(&Uint8Array::from(bytes)), &options).unwrap()
}

#[wasm_bindgen_test]
fn settings_go_into_the_address_bar_and_storage_and_come_back() {
    let settings = Settings {
        resize: ResizeKind::Width,
        width: 1280,
        quality: localpix_contract::Quality::Fixed(70),
        metadata: MetadataPolicy::KeepSafe,
        max_kb: Some(300),
        ..Settings::default()
    };
    persist::save(&settings);
    let search = window().location().search().unwrap();
    assert!(search.contains("w=1280") && search.contains("q=70") && search.contains("maxkb=300"), "{search}");
    let stored = window().local_storage().unwrap().unwrap().get_item("localpix.settings").unwrap().unwrap();
    assert_eq!(Settings::from_query(&stored), settings);
    assert_eq!(persist::load(), settings);
    // A shared link opens with its own settings.
    let link = persist::share_link(&settings);
    let query = link.split_once('?').unwrap().1;
    assert_eq!(Settings::from_query(query), settings);
    assert!(link.starts_with(&window().location().origin().unwrap()));
}

#[wasm_bindgen_test]
fn stored_settings_apply_when_the_link_has_none() {
    let stored = Settings { format: OutputFormat::Png, ..Settings::default() };
    window().local_storage().unwrap().unwrap().set_item("localpix.settings", &stored.to_query()).unwrap();
    let history = window().history().unwrap();
    let path = window().location().pathname().unwrap();
    history.replace_state_with_url(&JsValue::NULL, "", Some(&path)).unwrap();
    assert_eq!(persist::load(), stored);
}

#[wasm_bindgen_test]
fn names_come_from_the_files_people_drop() {
    let file = File::new_with_u8_array_sequence(&Array::of1(&Uint8Array::from(&b"x"[..])), "Holiday Photo.JPEG").unwrap();
    assert_eq!(naming::output_name(&file.name(), ImageFormat::Jpeg, 1920), "Holiday Photo-1920w.jpg");
}

#[wasm_bindgen_test]
async fn the_zip_holds_every_result_under_a_unique_name() {
    let jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4];
    let png = b"\x89PNG\r\n\x1a\nrest".to_vec();
    let names = naming::unique(&["a-10w.jpg".into(), "a-10w.jpg".into(), "b-5w.png".into()]);
    let results = vec![
        (names[0].clone(), blob(&jpeg, "image/jpeg")),
        (names[1].clone(), blob(&jpeg, "image/jpeg")),
        (names[2].clone(), blob(&png, "image/png")),
    ];
    let zip = save::zip(&results).await.unwrap();
    assert_eq!(zip.type_(), "application/zip");
    let bytes = Uint8Array::new(&JsFuture::from(zip.array_buffer()).await.unwrap()).to_vec();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let expected = [("a-10w.jpg", &jpeg), ("a-10w-2.jpg", &jpeg), ("b-5w.png", &png)];
    assert_eq!(archive.len(), expected.len());
    for (i, (name, content)) in expected.into_iter().enumerate() {
        let mut entry = archive.by_index(i).unwrap();
        assert_eq!(entry.name().unwrap(), name);
        let mut read = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut read).unwrap();
        assert_eq!(&read, content);
    }
    assert!(save::zip_name(save::now()).starts_with("localpix-20"));
}

/// What bridge.js resolves a finished job with: the worker's report (the engine's jco shapes)
/// and the result's Blob.
fn done_message() -> JsValue {
    let report = JSON::parse(
        r#"{
        "info": {"format": "jpeg", "dimensions": {"width": 640, "height": 400}, "orientation": "rotate90",
                 "hasAlpha": false, "bitDepth": 8, "colorModel": "rgb", "frameCount": 1, "progressive": false, "lossy": true,
                 "colorProfile": {"description": "Adobe RGB (1998)", "colorSpace": "rgb", "isSrgb": false, "size": 560},
                 "metadata": [
                   {"group": "exif", "name": "Model", "value": "\"EC-1\""},
                   {"group": "gps", "name": "GPSLatitude", "value": "52° 31′ 0″ N", "sensitive": "location"},
                   {"group": "exif", "name": "BodySerialNumber", "value": "\"SN-0042-PRIVATE\"", "sensitive": "device"}
                 ]},
        "output": {"format": "jpeg", "dimensions": {"width": 320, "height": 200}, "quality": 80, "keptOriginal": false},
        "resized": {"width": 320, "height": 200},
        "keptFields": 0, "keptSensitive": 0
    }"#,
    )
    .unwrap();
    let message = js_sys::Object::new();
    Reflect::set(&message, &"report".into(), &report).unwrap();
    Reflect::set(&message, &"blob".into(), &blob(&[0xFF, 0xD8], "image/jpeg")).unwrap();
    Reflect::set(&message, &"thumbnail".into(), &blob(&[0xFF, 0xD8, 0xFF], "image/jpeg")).unwrap();
    message.into()
}

#[wasm_bindgen_test]
fn a_finished_job_is_read_with_its_private_fields() {
    let result = JobResult::read(done_message().unchecked_into()).expect("the message reads");
    let output = &result.report.output;
    assert_eq!((output.format, output.dimensions, output.quality), (ImageFormat::Jpeg, Dimensions::new(320, 200), Some(80)));
    assert_eq!((result.report.kept_fields, result.report.kept_sensitive), (Some(0), Some(0)));
    assert_eq!(result.blob.size(), 2.0);
    assert_eq!(result.thumbnail.map(|t| t.size()), Some(3.0));
    assert_eq!(result.report.resized, Dimensions::new(320, 200));
    let info = &result.report.info;
    assert_eq!(info.dimensions, Dimensions::new(640, 400));
    assert_eq!(info.color_profile.as_ref().and_then(|p| p.description.as_deref()), Some("Adobe RGB (1998)"));
    let private: Vec<&str> = info.sensitive().map(|f| f.name.as_str()).collect();
    assert_eq!(private, ["GPSLatitude", "BodySerialNumber"]);
    assert_eq!(info.metadata[1].sensitive, Some(SensitiveKind::Location));
}

#[wasm_bindgen_test]
fn a_job_at_several_widths_is_read_with_each_width() {
    let message = done_message();
    let smaller = done_message();
    let report = Reflect::get(&smaller, &"report".into()).unwrap();
    let output = Reflect::get(&report, &"output".into()).unwrap();
    Reflect::set(&output, &"dimensions".into(), &JSON::parse(r#"{"width": 160, "height": 100}"#).unwrap()).unwrap();
    Reflect::set(&message, &"sizes".into(), &js_sys::Array::of1(&smaller)).unwrap();
    Reflect::set(&message, &"skipped".into(), &JSON::parse("[1280, 1920]").unwrap()).unwrap();
    let result = JobResult::read(message.unchecked_into()).expect("the message reads");
    assert_eq!(result.report.output.dimensions, Dimensions::new(320, 200));
    let sizes: Vec<Dimensions> = result.sizes.iter().map(|(report, _)| report.output.dimensions).collect();
    assert_eq!(sizes, [Dimensions::new(160, 100)]);
    assert_eq!(result.skipped, [1280, 1920]);
    // One size: no `sizes`, nothing skipped.
    let one = JobResult::read(done_message().unchecked_into()).expect("the message reads");
    assert!(one.sizes.is_empty() && one.skipped.is_empty());
}

#[wasm_bindgen_test]
fn a_malformed_message_is_refused_not_misread() {
    let message = done_message();
    Reflect::set(&message, &"blob".into(), &JsValue::from_str("not a blob")).unwrap();
    assert!(JobResult::read(message.unchecked_into()).is_none());
    let message = done_message();
    let report = Reflect::get(&message, &"report".into()).unwrap();
    Reflect::set(&report, &"output".into(), &JsValue::NULL).unwrap();
    assert!(JobResult::read(message.unchecked_into()).is_none());
}

#[wasm_bindgen_test]
fn errors_keep_their_kind_so_the_page_can_act_on_it() {
    let budget =
        JSON::parse(r#"{"tag": "budget-unreachable", "val": {"maxBytes": 1000, "smallestBytes": 5100, "message": "Too small."}}"#).unwrap();
    let JobError::Engine(EngineError::BudgetUnreachable { smallest_bytes, .. }) = JobError::from_js(budget) else {
        panic!("not read as a budget error")
    };
    assert_eq!(smallest_bytes, 5100);
    let malformed = JobError::from_js(JSON::parse(r#"{"tag": "malformed-input", "val": "The JPEG data ends early."}"#).unwrap());
    assert_eq!(malformed.message(), "The JPEG data ends early.");
    assert!(!malformed.is_cancelled());
    // Anything else thrown (a worker's ErrorEvent, a string) still reads as a failure with words.
    let odd = JobError::from_js(JsValue::from_str("boom"));
    assert!(matches!(&odd, JobError::Pool(PoolError::Crashed(m)) if m.contains("boom")), "{odd:?}");
    assert!(JobError::from_js(JSON::parse(r#"{"tag": "cancelled"}"#).unwrap()).is_cancelled());
}

#[wasm_bindgen_test]
fn options_go_to_the_worker_in_the_engines_shape() {
    let settings = Settings { resize: ResizeKind::Width, width: 800, max_kb: Some(90), ..Settings::default() };
    let options = to_js(&settings.engine_options());
    let json: String = JSON::stringify(&options).unwrap().into();
    assert!(json.contains(r#""mode":{"tag":"fit-width","val":800}"#), "{json}");
    assert!(json.contains(r#""maxBytes":90000"#), "{json}");
    let defaults: String = JSON::stringify(&to_js(&Settings::default().engine_options())).unwrap().into();
    assert!(!defaults.contains("maxBytes"), "a `none` option is left out, as jco leaves it undefined: {defaults}");
}
