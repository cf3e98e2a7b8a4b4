//! Offline use: registers the service worker (`static/sw.js`, precache list by the build), tells
//! the truth about whether this browser can work offline now, and offers an update when a new
//! version has been installed, applying it only when the user says so.

use js_sys::{Object, Promise, Reflect};
use leptos::{prelude::*, task::spawn_local};
use wasm_bindgen::{JsCast, prelude::*};
use wasm_bindgen_futures::JsFuture;
use web_sys::{ServiceWorker, ServiceWorkerContainer, ServiceWorkerRegistration, ServiceWorkerState};

use crate::protocol::offline::{READY_MARKER, SKIP_WAITING};

/// Whether the app would load and work with the network off.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OfflineState {
    /// Not known yet.
    Checking,
    /// Installing: the files are being cached.
    Preparing,
    /// Every file is cached and the service worker controls this page.
    Ready,
    /// This browser or context cannot (no service workers, private mode, an error).
    Unavailable(String),
}

impl OfflineState {
    pub fn key(&self) -> &'static str {
        match self {
            OfflineState::Checking => "checking",
            OfflineState::Preparing => "preparing",
            OfflineState::Ready => "ready",
            OfflineState::Unavailable(_) => "unavailable",
        }
    }
}

/// The offline state and the update offer, for the UI.
#[derive(Clone, Copy)]
pub struct Offline {
    pub state: RwSignal<OfflineState>,
    /// A new version is installed and waiting for the user to reload.
    pub update_ready: RwSignal<bool>,
    /// Set when the user asked for the update: the next controller change reloads the page.
    updating: StoredValue<bool>,
}

impl Offline {
    /// Registers the service worker once `engine_settled` resolves, and starts tracking its state.
    /// Its install downloads every file, the full engine among them: started before the light
    /// engine is ready, it would share the first visit's bandwidth with it.
    pub fn start(engine_settled: impl Future<Output = ()> + 'static) -> Self {
        let offline =
            Self { state: RwSignal::new(OfflineState::Checking), update_ready: RwSignal::new(false), updating: StoredValue::new(false) };
        let Some(container) = container() else {
            offline.state.set(OfflineState::Unavailable("This browser cannot keep localpix for offline use.".into()));
            return offline;
        };
        // Reload once the new version has taken over, but only when the user asked for it: the
        // first install also changes the controller.
        let on_change = Closure::<dyn FnMut()>::new(move || {
            if offline.updating.try_get_value() == Some(true) {
                let _ = window().location().reload();
            }
        });
        container.set_oncontrollerchange(Some(on_change.as_ref().unchecked_ref()));
        on_change.forget();
        spawn_local(async move {
            engine_settled.await;
            match JsFuture::from(container.register("/sw.js")).await {
                Ok(registration) => {
                    let registration: ServiceWorkerRegistration = registration.unchecked_into();
                    offline.watch_updates(&registration);
                    offline.track_readiness(container).await;
                }
                Err(e) => offline.state.set(OfflineState::Unavailable(format!("Offline use could not be set up ({}).", describe(&e)))),
            }
        });
        offline
    }

    /// Waits until every file is cached and this page is controlled, or says why not.
    async fn track_readiness(self, container: ServiceWorkerContainer) {
        self.state.set(OfflineState::Preparing);
        // Installing a fresh copy takes a few seconds; a few minutes means something is wrong.
        for _ in 0..600 {
            if container.controller().is_some() && cached_marker().await {
                self.state.set(OfflineState::Ready);
                return;
            }
            sleep(500).await;
        }
        self.state.set(OfflineState::Unavailable("The files for offline use could not be stored.".into()));
    }

    /// Offers the update when a new version is installed beside the running one.
    fn watch_updates(self, registration: &ServiceWorkerRegistration) {
        let has_controller = || container().and_then(|c| c.controller()).is_some();
        if registration.waiting().is_some() && has_controller() {
            self.update_ready.set(true);
        }
        let registration_for_event = registration.clone();
        let on_update_found = Closure::<dyn FnMut()>::new(move || {
            let Some(installing) = registration_for_event.installing() else { return };
            let worker = installing.clone();
            let on_state = Closure::<dyn FnMut()>::new(move || {
                if worker.state() == ServiceWorkerState::Installed && has_controller() {
                    self.update_ready.try_set(true);
                }
            });
            installing.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
            on_state.forget();
        });
        registration.set_onupdatefound(Some(on_update_found.as_ref().unchecked_ref()));
        on_update_found.forget();
    }

    /// Switches to the waiting version; the page reloads when it has taken over.
    pub fn apply_update(&self) {
        let offline = *self;
        spawn_local(async move {
            let Some(container) = container() else { return };
            let Ok(registration) = JsFuture::from(container.ready().unwrap_or_else(|_| Promise::resolve(&JsValue::UNDEFINED))).await else {
                return;
            };
            let registration: ServiceWorkerRegistration = registration.unchecked_into();
            let Some(waiting) = registration.waiting() else {
                // Nothing waiting any more (another tab applied it): a reload gets the new version.
                let _ = window().location().reload();
                return;
            };
            offline.updating.set_value(true);
            skip_waiting(&waiting);
        });
    }
}

fn skip_waiting(worker: &ServiceWorker) {
    let message = Object::new();
    let _ = Reflect::set(&message, &"type".into(), &SKIP_WAITING.into());
    let _ = worker.post_message(&message);
}

fn container() -> Option<ServiceWorkerContainer> {
    let navigator = window().navigator();
    // Missing in old browsers, and in some private modes and insecure contexts.
    Reflect::has(&navigator, &"serviceWorker".into()).ok()?.then(|| navigator.service_worker())
}

async fn cached_marker() -> bool {
    let Ok(caches) = window().caches() else { return false };
    JsFuture::from(caches.match_with_str(READY_MARKER)).await.is_ok_and(|found| !found.is_undefined())
}

async fn sleep(ms: i32) {
    let promise = Promise::new(&mut |resolve, _| {
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = JsFuture::from(promise).await;
}

fn describe(error: &JsValue) -> String {
    Reflect::get(error, &"message".into()).ok().and_then(|m| m.as_string()).unwrap_or_else(|| format!("{error:?}"))
}
