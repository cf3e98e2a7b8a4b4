//! The app's Rust logic in a real browser (Debian's Chromium, headless): settings in the URL and
//! localStorage, the ZIP built from Blobs, file naming from `File`s, and reading the messages the
//! image worker posts.

use js_sys::{Array, JSON, Reflect, Uint8Array};
use localpix_app::{
    bridge::{ImageInfo, JobError, JobResult},
    naming, persist, save,
    settings::{Format, Metadata, ResizeKind, Settings},
};
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
        quality: 70,
        metadata: Metadata::KeepSafe,
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
    let stored = Settings { format: Format::Png, ..Settings::default() };
    window().local_storage().unwrap().unwrap().set_item("localpix.settings", &stored.to_query()).unwrap();
    let history = window().history().unwrap();
    let path = window().location().pathname().unwrap();
    history.replace_state_with_url(&JsValue::NULL, "", Some(&path)).unwrap();
    assert_eq!(persist::load(), stored);
}

#[wasm_bindgen_test]
fn names_come_from_the_files_people_drop() {
    let file = File::new_with_u8_array_sequence(&Array::of1(&Uint8Array::from(&b"x"[..])), "Holiday Photo.JPEG").unwrap();
    assert_eq!(naming::output_name(&file.name(), "jpeg", 1920), "Holiday Photo-1920w.jpg");
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

/// What `js/worker.js` posts for a finished job, as the engine's jco module shapes it.
fn done_message() -> JsValue {
    let message = JSON::parse(
        r#"{
        "info": {"format": "jpeg", "dimensions": {"width": 640, "height": 400}, "orientation": "rotate90",
                 "hasAlpha": false, "bitDepth": 8, "colorModel": "rgb", "frameCount": 1, "progressive": false,
                 "colorProfile": {"description": "Adobe RGB (1998)", "colorSpace": "rgb", "isSrgb": false, "size": 560},
                 "metadata": [
                   {"group": "exif", "name": "Model", "value": "\"EC-1\""},
                   {"group": "gps", "name": "GPSLatitude", "value": "52 deg 31 min", "sensitive": "location"},
                   {"group": "exif", "name": "BodySerialNumber", "value": "\"SN-0042-PRIVATE\"", "sensitive": "device"}
                 ]},
        "output": {"format": "jpeg", "dimensions": {"width": 320, "height": 200}, "quality": 80, "keptFields": 0, "keptSensitive": 0}
    }"#,
    )
    .unwrap();
    Reflect::set(&message, &"blob".into(), &blob(&[0xFF, 0xD8], "image/jpeg")).unwrap();
    message
}

#[wasm_bindgen_test]
fn a_finished_job_is_read_with_its_private_fields() {
    let result = JobResult::from_js(&done_message()).expect("the message reads");
    assert_eq!((result.format.as_str(), result.width, result.height, result.quality), ("jpeg", 320, 200, Some(80)));
    assert_eq!((result.kept_fields, result.kept_sensitive), (0, 0));
    assert_eq!(result.blob.size(), 2.0);
    let info = result.info;
    assert_eq!((info.width, info.height), (640, 400));
    assert_eq!(info.color_profile.as_deref(), Some("Adobe RGB (1998)"));
    let private: Vec<&str> = info.sensitive().map(|f| f.name.as_str()).collect();
    assert_eq!(private, ["GPSLatitude", "BodySerialNumber"]);
    assert_eq!(info.fields.len(), 3);
}

#[wasm_bindgen_test]
fn a_malformed_message_is_refused_not_misread() {
    let message = done_message();
    Reflect::set(&message, &"blob".into(), &JsValue::from_str("not a blob")).unwrap();
    assert!(JobResult::from_js(&message).is_none());
    assert!(ImageInfo::from_js(&JsValue::NULL).is_none());
}

#[wasm_bindgen_test]
fn errors_keep_their_kind_and_message() {
    let error = JSON::parse(r#"{"tag": "malformed-input", "message": "The JPEG data ends early."}"#).unwrap();
    let error = JobError::from_js(&error);
    assert_eq!((error.tag.as_str(), error.message.as_str()), ("malformed-input", "The JPEG data ends early."));
    assert!(!error.is_cancelled());
    // Anything else thrown (a worker's ErrorEvent, a string) still reads as a failure with words.
    let odd = JobError::from_js(&JsValue::from_str("boom"));
    assert_eq!((odd.tag.as_str(), odd.message.as_str()), ("crashed", "boom"));
    let cancelled = JSON::parse(r#"{"tag": "cancelled", "message": "Cancelled."}"#).unwrap().unchecked_into::<JsValue>();
    assert!(JobError::from_js(&cancelled).is_cancelled());
}
