//! The batch: the files a user added, each one's state and result, the settings they share, and
//! the workers that process them. Provided to the UI as context; the UI reads its signals and calls
//! its methods.
//!
//! The batch owns everything a row holds: its signals, its browser objects (the `File`, the result
//! `Blob`, kept in [`Handles`] so that nothing reactive holds a JavaScript value) and its object
//! URLs. [`Batch::remove`] and [`Batch::clear`] release all of it in one place
//! ([`Batch::release`]), so the page's memory stays flat from batch to batch.

use std::{collections::HashMap, rc::Rc};

use leptos::{prelude::*, task::spawn_local};
use localpix_contract::{
    Dimensions, EncodeOptions, ImageFormat, ImageInfo, Options, Orientation, OutputFormat, QualityScore, Rect, ResizeMode,
};
use web_sys::{Blob, File, Url};

use crate::{
    bridge::{JobError, JobResult, PoolError, Report, Stage, WorkerPool},
    naming,
    settings::{Settings, notes},
    units,
};

/// The longest side of the picture the crop editor shows: sharp on a large screen, quick to make.
pub const CROP_PREVIEW_SIDE: u32 = 1600;

/// Where a file is in its processing.
#[derive(Clone, Debug, PartialEq)]
pub enum RowState {
    Queued,
    Working(Stage),
    Done,
    Failed(JobError),
    Cancelled,
}

impl RowState {
    pub fn is_finished(&self) -> bool {
        matches!(self, RowState::Done | RowState::Failed(_) | RowState::Cancelled)
    }

    pub fn label(&self) -> String {
        match self {
            RowState::Queued => "queued".into(),
            RowState::Working(stage) => stage.label().into(),
            RowState::Done => "done".into(),
            RowState::Failed(_) => "failed".into(),
            RowState::Cancelled => "cancelled".into(),
        }
    }
}

/// Whether the image engine can run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EngineState {
    Loading,
    Ready,
    Failed(String),
}

impl EngineState {
    /// A word for `data-engine` on the page, which tests wait on.
    pub fn key(&self) -> &'static str {
        match self {
            EngineState::Loading => "loading",
            EngineState::Ready => "ready",
            EngineState::Failed(_) => "failed",
        }
    }
}

/// A finished result, ready to save (its name is [`Batch::result_name`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Output {
    /// An object URL of its bytes.
    pub url: String,
    /// An object URL of a small JPEG of it, for the list.
    pub thumbnail_url: Option<String>,
    pub format: ImageFormat,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
    pub quality: Option<u8>,
    /// How close the result looks to the resized image (SSIMULACRA2, SSIM), when measured.
    pub score: Option<QualityScore>,
    /// Metadata fields in the result, and how many are private (read back from it); `None` when
    /// the result's format cannot be read back (AVIF).
    pub kept_fields: Option<u32>,
    pub kept_sensitive: Option<u32>,
    /// What the row must say about how it came out (a kept original, another format, what a size
    /// limit cost).
    pub notes: Vec<String>,
    /// Made smaller than the resize asked, to fit the byte budget.
    pub shrunk: bool,
    /// With several widths (`Settings::widths`): the smaller results, largest first (this one is
    /// the largest made).
    pub sizes: Vec<Output>,
}

/// One file of the batch.
#[derive(Clone, Copy)]
pub struct Row {
    pub id: u32,
    pub file: StoredValue<FileFacts>,
    pub state: RwSignal<RowState>,
    /// What `probe` found, once the worker has read it.
    pub info: RwSignal<Option<ImageInfo>>,
    pub output: RwSignal<Option<Output>>,
    /// The person's own turn for this file (rotate, mirror), on top of its EXIF orientation.
    pub turn: RwSignal<Orientation>,
    /// The person's own crop for this file, in the coordinates of its picture once turned.
    pub crop: RwSignal<Option<Rect>>,
}

/// What the row shows of its original file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileFacts {
    pub name: String,
    pub bytes: u64,
    /// An object URL of the original, when the browser can show its type.
    pub preview: Option<String>,
}

impl Row {
    pub fn name(&self) -> String {
        self.file.with_value(|f| f.name.clone())
    }

    /// The size of the picture its crop is in: as displayed, after the row's turn; `None` until
    /// the file has been read (reactive).
    pub fn turned_size(&self) -> Option<Dimensions> {
        let turn = self.turn.get();
        self.info.with(|i| i.as_ref().map(|i| turn.display(i.dimensions)))
    }
}

/// The browser objects behind the rows, by row id, and the workers.
struct Handles {
    files: HashMap<u32, File>,
    /// Each finished row's result Blobs: the largest first, then its smaller widths.
    results: HashMap<u32, Vec<Blob>>,
    pool: WorkerPool,
}

/// What the widget runs when a row settles.
type SettledHook = Rc<dyn Fn(Row)>;

/// The batch and its settings.
#[derive(Clone, Copy)]
pub struct Batch {
    pub rows: RwSignal<Vec<Row>>,
    pub settings: RwSignal<Settings>,
    /// A sentence for screen readers about the batch's progress (an aria-live region shows it).
    pub announcement: RwSignal<String>,
    /// Whether the workers have loaded the engine.
    pub engine: RwSignal<EngineState>,
    /// True when a result came since the person last saved anything (a row, the ZIP, the folder):
    /// leaving the page then asks first.
    unsaved: StoredValue<bool>,
    /// Bumped on every restart or cancel: results of older runs are dropped.
    run: StoredValue<u32>,
    next_id: StoredValue<u32>,
    /// Called when a row is done, failed or cancelled (the widget reports each to its host).
    on_settled: StoredValue<Option<SettledHook>, LocalStorage>,
    handles: StoredValue<Handles, LocalStorage>,
}

impl Batch {
    pub fn new(settings: Settings) -> Self {
        Self {
            rows: RwSignal::new(Vec::new()),
            settings: RwSignal::new(settings),
            announcement: RwSignal::new(String::new()),
            engine: RwSignal::new(EngineState::Loading),
            unsaved: StoredValue::new(false),
            run: StoredValue::new(0),
            next_id: StoredValue::new(1),
            on_settled: StoredValue::new_local(None),
            handles: StoredValue::new_local(Handles { files: HashMap::new(), results: HashMap::new(), pool: WorkerPool::new() }),
        }
    }

    fn pool(&self) -> WorkerPool {
        self.handles.with_value(|h| h.pool.clone())
    }

    /// Calls `hook` each time a row settles (done, failed or cancelled).
    pub fn on_settled(&self, hook: impl Fn(Row) + 'static) {
        self.on_settled.set_value(Some(Rc::new(hook)));
    }

    /// The result Blob of a finished row.
    pub fn result_blob(&self, id: u32) -> Option<Blob> {
        self.handles.with_value(|h| h.results.get(&id).and_then(|blobs| blobs.first().cloned()))
    }

    /// Starts the workers loading the engine, and tracks when they are ready.
    pub fn load_engine(&self) {
        let engine = self.engine;
        let pool = self.pool();
        spawn_local(async move {
            engine.set(match pool.ready().await {
                Ok(()) => EngineState::Ready,
                Err(message) => EngineState::Failed(message),
            });
        });
    }

    /// Resolves once the engine is ready in the workers, or could not be loaded.
    pub fn engine_settled(&self) -> impl Future<Output = ()> + 'static {
        let pool = self.pool();
        async move {
            let _ = pool.ready().await;
        }
    }

    /// Adds files and starts processing them.
    pub fn add(&self, files: Vec<File>) {
        if files.is_empty() {
            return;
        }
        let rows: Vec<Row> = files
            .into_iter()
            .map(|file| {
                let id = self.next_id.get_value();
                self.next_id.set_value(id + 1);
                let facts = FileFacts { name: file.name(), bytes: file.size() as u64, preview: preview_url(&file) };
                self.handles.update_value(|h| {
                    h.files.insert(id, file);
                });
                Row {
                    id,
                    file: StoredValue::new(facts),
                    state: RwSignal::new(RowState::Queued),
                    info: RwSignal::new(None),
                    output: RwSignal::new(None),
                    turn: RwSignal::new(Orientation::Normal),
                    crop: RwSignal::new(None),
                }
            })
            .collect();
        self.rows.update(|all| all.extend(rows.iter().copied()));
        for row in rows {
            self.start(row);
        }
        self.announce();
    }

    /// True while any file is queued or being processed (reactive).
    pub fn is_busy(&self) -> bool {
        self.rows.with(|rows| rows.iter().any(|r| !r.state.with(RowState::is_finished)))
    }

    /// Stops every job and starts a new run: results of the old one are dropped when they come.
    fn new_run(&self) {
        self.pool().cancel_all();
        self.run.update_value(|run| *run += 1);
    }

    /// Processes every file again, with the current settings.
    pub fn restart(&self) {
        self.new_run();
        for row in self.rows.get_untracked() {
            self.start(row);
        }
        self.announce();
    }

    /// Stops the files not yet done.
    pub fn cancel(&self) {
        self.new_run();
        for row in self.rows.get_untracked() {
            if !row.state.get_untracked().is_finished() {
                row.state.set(RowState::Cancelled);
            }
        }
        self.announce();
    }

    /// Whether results would be lost by leaving the page (see `unsaved`).
    pub fn has_unsaved(&self) -> bool {
        self.unsaved.get_value() && self.rows.with_untracked(|rows| rows.iter().any(|r| r.output.with_untracked(Option::is_some)))
    }

    /// The person saved results (one row's, or all of them).
    pub fn mark_saved(&self) {
        self.unsaved.set_value(false);
    }

    /// Removes every file.
    pub fn clear(&self) {
        self.cancel();
        let rows = self.rows.get_untracked();
        self.rows.set(Vec::new());
        for row in rows {
            self.release(row);
        }
        self.announcement.set(String::new());
    }

    fn row(&self, id: u32) -> Option<Row> {
        self.rows.with_untracked(|rows| rows.iter().find(|r| r.id == id).copied())
    }

    /// Stops the job of `row` if it has one. Jobs cannot be stopped one by one: all of them stop,
    /// and the other unfinished rows start again.
    fn stop(&self, row: Row) {
        if !row.state.get_untracked().is_finished() {
            self.new_run();
            for other in self.rows.get_untracked().into_iter().filter(|r| r.id != row.id && !r.state.get_untracked().is_finished()) {
                self.start(other);
            }
        }
    }

    /// Removes one file: stops its job if it has one and forgets it.
    pub fn remove(&self, id: u32) {
        let Some(row) = self.row(id) else { return };
        self.stop(row);
        self.rows.update(|rows| rows.retain(|r| r.id != id));
        self.release(row);
        self.announce();
    }

    /// Processes one file again with the current settings (after a failure or a cancel).
    pub fn retry(&self, id: u32) {
        let Some(row) = self.row(id) else { return };
        self.stop(row);
        self.start(row);
        self.announce();
    }

    /// Turns one file's picture further by `by` (a quarter turn or a mirror) and processes it again.
    /// A crop follows its picture.
    pub fn turn(&self, id: u32, by: Orientation) {
        let Some(row) = self.row(id) else { return };
        let picture = row.info.with_untracked(|i| i.as_ref().map(|i| row.turn.get_untracked().display(i.dimensions)));
        row.crop.update(|crop| *crop = crop.zip(picture).map(|(crop, picture)| crop.turned(picture, by)));
        row.turn.update(|turn| *turn = turn.then(by));
        self.retry(id);
    }

    /// Crops one file's picture (`None` removes its crop) and processes it again.
    pub fn crop(&self, id: u32, crop: Option<Rect>) {
        let Some(row) = self.row(id) else { return };
        row.crop.set(crop);
        self.retry(id);
    }

    /// The engine options for one row: the batch's settings with the row's own turn and crop; and
    /// the widths to make.
    fn options_for(&self, row: Row) -> (Options, Vec<u32>) {
        let settings = self.settings.get_untracked();
        let mut options = settings.engine_options();
        options.resize.turn = row.turn.get_untracked();
        options.resize.crop = row.crop.get_untracked();
        (options, settings.widths)
    }

    /// The picture the crop editor shows: the row's file upright and turned, uncropped, at most
    /// [`CROP_PREVIEW_SIDE`] pixels on a side, as a JPEG object URL the caller must revoke.
    pub async fn crop_preview_url(&self, id: u32) -> Result<String, JobError> {
        let crashed = |m: &str| JobError::Pool(PoolError::Crashed(m.into()));
        let file = self.handles.with_value(|h| h.files.get(&id).cloned());
        let (Some(file), Some(row)) = (file, self.row(id)) else { return Err(crashed("This file is no longer in the batch.")) };
        // One picture: the batch's widths do not apply.
        let (mut options, _) = self.options_for(row);
        options.resize.crop = None;
        options.resize.mode = ResizeMode::FitWithin(Dimensions::new(CROP_PREVIEW_SIDE, CROP_PREVIEW_SIDE));
        options.resize.never_upscale = true;
        options.encode = EncodeOptions { keep_smaller_original: false, ..EncodeOptions::default() };
        options.encode.encoding.format = OutputFormat::Jpeg;
        let result = self.pool().process(id, &file, &options, &[], |_, _| {}).await?;
        Url::create_object_url_with_blob(&result.blob).map_err(|_| crashed("The browser could not show the picture."))
    }

    /// Everything a row holds, released in one place: its file and result handles, the workers'
    /// decode of it, its object URLs and its signals. The row must be out of `rows` already.
    fn release(&self, row: Row) {
        let preview = row.file.with_value(|f| f.preview.clone());
        for url in output_urls(row).into_iter().chain(preview) {
            let _ = Url::revoke_object_url(&url);
        }
        self.handles.update_value(|h| {
            h.files.remove(&row.id);
            h.results.remove(&row.id);
            h.pool.forget(&[row.id]);
        });
        // Once the effects already woken for this row (its views, the counts) have run: they may
        // still read its signals. A timeout runs after them.
        set_timeout(
            move || {
                row.file.dispose();
                row.state.dispose();
                row.info.dispose();
                row.output.dispose();
                row.turn.dispose();
                row.crop.dispose();
            },
            std::time::Duration::ZERO,
        );
    }

    /// How many files, results and object URLs the batch holds (for the memory tests).
    pub fn held(&self) -> (usize, usize) {
        self.handles.with_value(|h| (h.files.len(), h.results.len()))
    }

    fn start(&self, row: Row) {
        let Some(file) = self.handles.with_value(|h| h.files.get(&row.id).cloned()) else { return };
        let run = self.run.get_value();
        let (options, widths) = self.options_for(row);
        discard_output(row);
        row.state.set(RowState::Queued);
        let batch = *self;
        spawn_local(async move {
            let current = move || batch.run.try_get_value() == Some(run);
            let progress = move |stage: Stage, info: Option<ImageInfo>| {
                if current() {
                    if info.is_some() {
                        row.info.try_set(info);
                    }
                    row.state.try_set(RowState::Working(stage));
                }
            };
            let outcome = batch.pool().process(row.id, &file, &options, &widths, progress).await;
            if !current() {
                return;
            }
            match outcome {
                Ok(result) => batch.finish(row, result),
                Err(error) if error.is_cancelled() => {
                    row.state.try_set(RowState::Cancelled);
                }
                Err(error) => {
                    row.state.try_set(RowState::Failed(error));
                }
            }
            batch.announce();
            if let Some(hook) = batch.on_settled.try_get_value().flatten() {
                hook(row);
            }
        });
    }

    fn finish(&self, row: Row, result: JobResult) {
        let JobResult { report, blob, thumbnail, sizes, skipped } = result;
        let settings = self.settings.get_untracked();
        let input = row.file.with_value(|f| f.bytes);
        let made = std::iter::once((&report, &blob, thumbnail.as_ref()))
            .chain(sizes.iter().map(|(report, blob)| (report, blob, None)))
            .map(|(report, blob, thumbnail)| output_of(&settings, input, report, blob, thumbnail))
            .collect::<Option<Vec<_>>>();
        let Some(mut outputs) = made else {
            row.state.set(RowState::Failed(JobError::Pool(PoolError::Crashed("The browser could not hold the result.".into()))));
            return;
        };
        let mut output = outputs.remove(0);
        output.notes.extend(notes::skipped_widths(&skipped));
        output.sizes = outputs;
        self.handles.update_value(|h| {
            h.results.insert(row.id, std::iter::once(blob).chain(sizes.into_iter().map(|(_, blob)| blob)).collect());
        });
        row.info.set(Some(report.info));
        row.output.set(Some(output));
        row.state.set(RowState::Done);
        self.unsaved.set_value(true);
    }

    /// A picture of where a finished row's result differs from its original resized, as an object
    /// URL the caller must revoke.
    pub async fn difference_url(&self, id: u32) -> Result<String, JobError> {
        let crashed = |m: &str| JobError::Pool(PoolError::Crashed(m.into()));
        let (file, result) = self.handles.with_value(|h| (h.files.get(&id).cloned(), self.result_blob(id)));
        let (Some(file), Some(result), Some(row)) = (file, result, self.row(id)) else {
            return Err(crashed("This file has no result to compare."));
        };
        let (options, widths) = self.options_for(row);
        let blob = self.pool().difference(id, &file, &result, &options, &widths).await?;
        Url::create_object_url_with_blob(&blob).map_err(|_| crashed("The browser could not show the difference."))
    }

    /// The name to save a row's result under: the settings' template (or the original's name)
    /// with the result's size, format and the row's place in the batch. Reactive.
    pub fn result_name(&self, row: Row) -> Option<String> {
        row.output.with(|o| self.output_name(row, o.as_ref()?))
    }

    /// The name to save one of a row's results under (the largest, or one of its `sizes`), as
    /// [`Batch::result_name`] says. Reactive.
    pub fn output_name(&self, row: Row, output: &Output) -> Option<String> {
        let n = self.rows.with(|rows| rows.iter().position(|r| r.id == row.id))? + 1;
        let original = row.name();
        let parts = naming::NameParts { original: &original, format: output.format, width: output.width, height: output.height, n };
        Some(self.settings.with(|s| naming::result_name(s.name_template().as_deref(), parts)))
    }

    /// The results done so far, with unique names (repeats numbered), in batch order, each row's
    /// widths largest first.
    pub fn results(&self) -> Vec<(String, Blob)> {
        self.named_results().into_iter().map(|r| (r.name, r.blob)).collect()
    }

    /// A photo's `<img srcset>` for a web page, with the names its results have in the ZIP and
    /// the folder save; `None` until it has results.
    pub fn srcset(&self, row: Row) -> Option<String> {
        let named: Vec<Named> = self.named_results().into_iter().filter(|r| r.row == row.id).collect();
        let files: Vec<_> = named.iter().map(|r| naming::SizedFile { name: &r.name, width: r.width, height: r.height }).collect();
        naming::srcset_snippet(&files)
    }

    fn named_results(&self) -> Vec<Named> {
        let done: Vec<(u32, String, u32, u32)> = untrack(|| {
            let rows = self.rows.get_untracked();
            let outputs = rows.iter().filter_map(|&row| Some((row, row.output.get_untracked()?)));
            outputs
                .flat_map(|(row, o)| {
                    let sizes = o.sizes.clone();
                    std::iter::once(o).chain(sizes).map(move |o| (row, o))
                })
                .filter_map(|(row, o)| Some((row.id, self.output_name(row, &o)?, o.width, o.height)))
                .collect()
        });
        let names = naming::unique(&done.iter().map(|(_, name, ..)| name.clone()).collect::<Vec<_>>());
        let mut index = HashMap::<u32, usize>::new();
        self.handles.with_value(|h| {
            names
                .into_iter()
                .zip(done)
                .filter_map(|(name, (row, _, width, height))| {
                    let at = index.entry(row).or_default();
                    let blob = h.results.get(&row)?.get(*at)?.clone();
                    *at += 1;
                    Some(Named { row, name, blob, width, height })
                })
                .collect()
        })
    }

    /// Sets the aria-live summary: how many are done and failed.
    fn announce(&self) {
        let rows = self.rows.get_untracked();
        let count = |f: fn(&RowState) -> bool| rows.iter().filter(|r| f(&r.state.get_untracked())).count();
        let (done, failed, cancelled) =
            (count(|s| *s == RowState::Done), count(|s| matches!(s, RowState::Failed(_))), count(|s| *s == RowState::Cancelled));
        let total = rows.len();
        let mut sentence = format!("{done} of {total} images done");
        if failed > 0 {
            sentence.push_str(&format!(", {failed} failed"));
        }
        if cancelled > 0 {
            sentence.push_str(&format!(", {cancelled} cancelled"));
        }
        if done + failed + cancelled == total && total > 0 {
            let saved: u64 = rows
                .iter()
                .filter_map(|r| r.output.get_untracked().map(|o| (r.file.with_value(|f| f.bytes), o.bytes)))
                .map(|(a, b)| a.saturating_sub(b))
                .sum();
            sentence.push_str(&format!(". Finished; {} saved.", units::bytes(saved)));
        } else {
            sentence.push('.');
        }
        self.announcement.set(sentence);
    }
}

/// One saved result: the row it came from, its unique name, bytes and size.
struct Named {
    row: u32,
    name: String,
    blob: Blob,
    width: u32,
    height: u32,
}

/// What a row shows of one result Blob the worker made; `None` when the browser cannot hold it.
fn output_of(settings: &Settings, input: u64, report: &Report, blob: &Blob, thumbnail: Option<&Blob>) -> Option<Output> {
    let url = Url::create_object_url_with_blob(blob).ok()?;
    Some(Output {
        url,
        thumbnail_url: thumbnail.and_then(|t| Url::create_object_url_with_blob(t).ok()),
        format: report.output.format,
        width: report.output.dimensions.width,
        height: report.output.dimensions.height,
        bytes: blob.size() as u64,
        quality: report.output.quality,
        score: report.output.score,
        kept_fields: report.kept_fields,
        kept_sensitive: report.kept_sensitive,
        shrunk: report.output.dimensions != report.resized,
        notes: notes::notes(settings, &report.info, report.resized, &report.output, notes::Sizes { input, output: blob.size() as u64 }),
        sizes: Vec::new(),
    })
}

/// The object URLs of a row's results.
fn output_urls(row: Row) -> Vec<String> {
    row.output.with_untracked(|o| {
        o.iter()
            .flat_map(|o| std::iter::once(o).chain(&o.sizes))
            .flat_map(|o| [Some(o.url.clone()), o.thumbnail_url.clone()])
            .flatten()
            .collect()
    })
}

/// Forgets a row's result and frees its object URLs.
fn discard_output(row: Row) {
    for url in output_urls(row) {
        let _ = Url::revoke_object_url(&url);
    }
    row.output.set(None);
}

/// An object URL for the original when browsers can show it (TIFF, for one, they cannot).
fn preview_url(file: &File) -> Option<String> {
    let kind = file.type_();
    let shown = matches!(kind.as_str(), "image/jpeg" | "image/png" | "image/webp" | "image/gif" | "image/bmp" | "image/avif");
    shown.then(|| Url::create_object_url_with_blob(file).ok()).flatten()
}
