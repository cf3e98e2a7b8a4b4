//! The batch: the files a user added, each one's state and result, and the settings they share.
//! Provided to the UI as context; the UI reads its signals and calls its methods.
//!
//! Signals hold plain Rust data; the browser objects behind a row (its `File`, its result `Blob`)
//! stay in [`Handles`], so nothing reactive holds a JavaScript value.

use std::{cell::RefCell, collections::HashMap, rc::Rc};

use leptos::{prelude::*, task::spawn_local};
use web_sys::{Blob, File, Url};

use crate::{
    bridge::{ImageInfo, JobResult, Stage, WorkerPool},
    naming,
    settings::Settings,
    units,
};

/// Where a file is in its processing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowState {
    Queued,
    Working(Stage),
    Done,
    Failed(String),
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

/// A finished result, ready to save.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Output {
    /// The name to save it under, e.g. `kleiber-1920w.jpg`.
    pub name: String,
    /// An object URL of its bytes.
    pub url: String,
    pub format: String,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
    pub quality: Option<u8>,
    /// Metadata fields in the result, and how many are private (read back from it).
    pub kept_fields: u32,
    pub kept_sensitive: u32,
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
}

/// The browser objects behind the rows, by row id.
#[derive(Default)]
struct Handles {
    files: HashMap<u32, File>,
    results: HashMap<u32, Blob>,
}

thread_local! {
    static HANDLES: RefCell<Handles> = RefCell::default();
    static POOL: WorkerPool = WorkerPool::new();
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
    /// Bumped on every restart or cancel: results of older runs are dropped.
    run: StoredValue<u32>,
    next_id: StoredValue<u32>,
    /// Called when a row is done, failed or cancelled (the widget reports each to its host).
    on_settled: StoredValue<Option<SettledHook>, LocalStorage>,
}

impl Batch {
    pub fn new(settings: Settings) -> Self {
        Self {
            rows: RwSignal::new(Vec::new()),
            settings: RwSignal::new(settings),
            announcement: RwSignal::new(String::new()),
            engine: RwSignal::new(EngineState::Loading),
            run: StoredValue::new(0),
            next_id: StoredValue::new(1),
            on_settled: StoredValue::new_local(None),
        }
    }

    /// Calls `hook` each time a row settles (done, failed or cancelled).
    pub fn on_settled(&self, hook: impl Fn(Row) + 'static) {
        self.on_settled.set_value(Some(Rc::new(hook)));
    }

    /// The result Blob of a finished row.
    pub fn result_blob(&self, id: u32) -> Option<Blob> {
        HANDLES.with_borrow(|h| h.results.get(&id).cloned())
    }

    /// Starts the workers loading the engine, and tracks when they are ready.
    pub fn load_engine(&self) {
        let engine = self.engine;
        let pool = POOL.with(WorkerPool::clone);
        spawn_local(async move {
            engine.set(match pool.ready().await {
                Ok(()) => EngineState::Ready,
                Err(message) => EngineState::Failed(message),
            });
        });
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
                HANDLES.with_borrow_mut(|h| h.files.insert(id, file));
                Row {
                    id,
                    file: StoredValue::new(facts),
                    state: RwSignal::new(RowState::Queued),
                    info: RwSignal::new(None),
                    output: RwSignal::new(None),
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
        POOL.with(WorkerPool::cancel_all);
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

    /// Removes every file.
    pub fn clear(&self) {
        self.cancel();
        let rows = self.rows.get_untracked();
        let ids: Vec<u32> = rows.iter().map(|r| r.id).collect();
        for row in rows {
            self.release(row);
        }
        POOL.with(|pool| pool.forget(&ids));
        self.rows.set(Vec::new());
        self.announcement.set(String::new());
    }

    /// Drops a row's browser objects and object URLs.
    fn release(&self, row: Row) {
        HANDLES.with_borrow_mut(|h| {
            h.files.remove(&row.id);
            h.results.remove(&row.id);
        });
        if let Some(url) = row.file.with_value(|f| f.preview.clone()) {
            let _ = Url::revoke_object_url(&url);
        }
        discard_output(row);
    }

    fn start(&self, row: Row) {
        let Some(file) = HANDLES.with_borrow(|h| h.files.get(&row.id).cloned()) else { return };
        let run = self.run.get_value();
        let options = self.settings.get_untracked().engine_options();
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
            let pool = POOL.with(WorkerPool::clone);
            let outcome = pool.process(row.id, &file, &options, progress).await;
            if !current() {
                return;
            }
            match outcome {
                Ok(result) => batch.finish(row, result),
                Err(error) if error.is_cancelled() => {
                    row.state.try_set(RowState::Cancelled);
                }
                Err(error) => {
                    row.state.try_set(RowState::Failed(error.message));
                }
            }
            batch.announce();
            if let Some(hook) = batch.on_settled.try_get_value().flatten() {
                hook(row);
            }
        });
    }

    fn finish(&self, row: Row, result: JobResult) {
        let blob = result.blob;
        let Ok(url) = Url::create_object_url_with_blob(&blob) else {
            row.state.set(RowState::Failed("The browser could not hold the result.".into()));
            return;
        };
        let output = Output {
            name: naming::output_name(&row.name(), &result.format, result.width),
            url,
            format: result.format,
            width: result.width,
            height: result.height,
            bytes: blob.size() as u64,
            quality: result.quality,
            kept_fields: result.kept_fields,
            kept_sensitive: result.kept_sensitive,
        };
        HANDLES.with_borrow_mut(|h| h.results.insert(row.id, blob));
        row.info.set(Some(result.info));
        row.output.set(Some(output));
        row.state.set(RowState::Done);
    }

    /// The results done so far, with unique names, in batch order.
    pub fn results(&self) -> Vec<(String, Blob)> {
        let done: Vec<(String, u32)> =
            self.rows.get_untracked().iter().filter_map(|row| row.output.get_untracked().map(|o| (o.name, row.id))).collect();
        let names = naming::unique(&done.iter().map(|(name, _)| name.clone()).collect::<Vec<_>>());
        HANDLES
            .with_borrow(|h| names.into_iter().zip(&done).filter_map(|(name, (_, id))| Some((name, h.results.get(id)?.clone()))).collect())
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

/// Forgets a row's result and frees its object URL.
fn discard_output(row: Row) {
    if let Some(old) = row.output.get_untracked() {
        let _ = Url::revoke_object_url(&old.url);
    }
    row.output.set(None);
}

/// An object URL for the original when browsers can show it (TIFF, for one, they cannot).
fn preview_url(file: &File) -> Option<String> {
    let kind = file.type_();
    let shown = matches!(kind.as_str(), "image/jpeg" | "image/png" | "image/webp" | "image/gif" | "image/bmp" | "image/avif");
    shown.then(|| Url::create_object_url_with_blob(file).ok()).flatten()
}
