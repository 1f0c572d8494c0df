//! The conformance suite: every rule of a registry, written once as an async
//! function, and run against every backend and through the HTTP API.
//!
//! Cases that exercise the registry's operations take any registry,
//! [`AnyRegistry`] (an `Arc<dyn RegistryApi>`), and run three ways: on
//! SQLite, on PostgreSQL, and through the remote client against a server
//! (acting as other users through [`ActingAs`]: locally `with_actor`, over
//! HTTP another user's token). Cases that need the local [`Registry`]
//! itself (bulk loading, import and copy, the size on disk) run on the
//! backends only.
//!
//! A backend plugs in with one line in its own tests:
//!
//! ```text
//! modelreg_conformance::conformance_suite!(MyBackend);      // every case
//! modelreg_conformance::api_conformance_suite!(MyRemote);   // the `api` group
//! ```
//!
//! where `MyBackend: LocalBackend` (and `MyRemote: Backend`) hands each case
//! a fresh, isolated registry whose changes are made by [`fixtures::actor`].
//! The list of cases lives only in [`for_each_case!`]; a test of this crate
//! fails when a case function is missing from it.

#[macro_use]
mod list;

pub mod bad_input;
pub mod cases;
pub mod fixtures;
pub mod generated;
pub mod migrated;
pub mod sample;
pub mod schema_one;

use std::future::Future;
use std::sync::Arc;

use modelreg_core::{Registry, RegistryApi};

/// A registry wherever it lives: in-process or behind a server.
pub type AnyRegistry = Arc<dyn RegistryApi>;

/// Anything that is a registry: the local [`Registry`], [`AnyRegistry`],
/// or `dyn RegistryApi`. The fixtures take `&impl AsApi`, so a case passes
/// `&reg` whichever it holds.
pub trait AsApi: Send + Sync {
    /// The registry's operations.
    fn api(&self) -> &dyn RegistryApi;
}

impl AsApi for Registry {
    fn api(&self) -> &dyn RegistryApi {
        self
    }
}

impl AsApi for AnyRegistry {
    fn api(&self) -> &dyn RegistryApi {
        &**self
    }
}

impl<'a> AsApi for dyn RegistryApi + 'a {
    fn api(&self) -> &(dyn RegistryApi + 'a) {
        self
    }
}

/// The same registry acting as another user: what `Registry::with_actor`
/// gives in-process (a server gives it with that user's token).
pub type ActingAs = Arc<dyn Fn(&str) -> AnyRegistry + Send + Sync>;

/// A fresh, empty registry for one case.
pub struct Fresh<G> {
    /// The registry, acting as [`fixtures::actor`].
    pub registry: AnyRegistry,
    /// The same registry acting as another user.
    pub acting_as: ActingAs,
    /// Kept alive for the case; dropping it removes the case's database
    /// (and stops its server).
    pub guard: G,
}

/// A registry under test: makes a fresh, empty, isolated registry per case.
pub trait Backend {
    /// What keeps a case's database (and server) alive.
    type Guard: Send;

    /// A new empty registry acting as [`fixtures::actor`], or `None` when
    /// the backend is not available here (the case is then skipped, with one
    /// line saying so).
    fn fresh() -> impl Future<Output = Option<Fresh<Self::Guard>>> + Send;
}

/// A backend whose registry is in-process: also a [`Registry`] itself, for
/// the cases that need one.
pub trait LocalBackend: Backend {
    /// [`Backend::fresh`], as the local registry and the guard of its database.
    fn fresh_local() -> impl Future<Output = Option<(Registry, Self::Guard)>> + Send;
}

/// [`LocalBackend::fresh_local`] as [`Backend::fresh`] answers it.
pub async fn shared<B: LocalBackend>() -> Option<Fresh<B::Guard>> {
    let (registry, guard) = B::fresh_local().await?;
    let local = registry.clone();
    let acting_as: ActingAs = Arc::new(move |name: &str| -> AnyRegistry {
        let actor = modelreg_core::Actor::new(name).expect("a case acts as a valid actor");
        Arc::new(local.with_actor(actor))
    });
    Some(Fresh {
        registry: Arc::new(registry),
        acting_as,
        guard,
    })
}

/// Instantiates every conformance case as a `#[tokio::test]` for
/// `$backend` (a [`LocalBackend`]); the local cases go in module `local`.
#[macro_export]
macro_rules! conformance_suite {
    ($backend:ident) => {
        $crate::for_each_case!([$crate::__conformance_tests]($backend, local));
    };
}

/// Instantiates the `api` cases as `#[tokio::test]`s for `$backend` (a
/// [`Backend`], such as a registry behind a server).
#[macro_export]
macro_rules! api_conformance_suite {
    ($backend:ident) => {
        $crate::for_each_case!([$crate::__conformance_tests]($backend, api));
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __conformance_tests {
    (($backend:ident, $group:ident)
        api {
            singles { $($module:ident: [$($case:ident),* $(,)?]),* $(,)? }
            actors { $($amodule:ident: [$($acase:ident),* $(,)?]),* $(,)? }
        }
        local { $($local:tt)* }
    ) => {
        $(
            mod $module {
                $(
                    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                    async fn $case() {
                        let Some(fresh) = <super::$backend as $crate::Backend>::fresh().await else {
                            return;
                        };
                        $crate::cases::$module::$case(fresh.registry).await;
                        drop(fresh.guard);
                    }
                )*
            }
        )*
        mod acting {
            $(
                mod $amodule {
                    $(
                        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                        async fn $acase() {
                            let Some(fresh) = <super::super::$backend as $crate::Backend>::fresh().await else {
                                return;
                            };
                            $crate::cases::$amodule::$acase(fresh.registry, fresh.acting_as).await;
                            drop(fresh.guard);
                        }
                    )*
                }
            )*
        }
        $crate::__local_tests!($group, $backend, $($local)*);
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __local_tests {
    (api, $($rest:tt)*) => {};
    (local, $backend:ident,
        singles { $($module:ident: [$($case:ident),* $(,)?]),* $(,)? }
        pairs { $($pmodule:ident: [$($pcase:ident),* $(,)?]),* $(,)? }
        sources { $($smodule:ident: [$($scase:ident),* $(,)?]),* $(,)? }
    ) => {
        mod local {
            $(
                mod $module {
                    $(
                        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                        async fn $case() {
                            let Some((registry, guard)) =
                                <super::super::$backend as $crate::LocalBackend>::fresh_local().await
                            else {
                                return;
                            };
                            $crate::cases::$module::$case(registry).await;
                            drop(guard);
                        }
                    )*
                }
            )*
            $(
                mod $pmodule {
                    $(
                        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                        async fn $pcase() {
                            let Some((source, source_guard)) =
                                <super::super::$backend as $crate::LocalBackend>::fresh_local().await
                            else {
                                return;
                            };
                            let Some((target, target_guard)) =
                                <super::super::$backend as $crate::LocalBackend>::fresh_local().await
                            else {
                                return;
                            };
                            $crate::cases::$pmodule::$pcase(source, target).await;
                            drop((source_guard, target_guard));
                        }
                    )*
                }
            )*
            $(
                mod $smodule {
                    $(
                        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                        async fn $scase() {
                            let Some((source, guard)) =
                                <super::super::$backend as $crate::LocalBackend>::fresh_local().await
                            else {
                                return;
                            };
                            $crate::cases::$smodule::$scase::<super::super::$backend>(source).await;
                            drop(guard);
                        }
                    )*
                }
            )*
        }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __case_names {
    (($group:ident)
        api {
            singles { $($module:ident: [$($case:ident),* $(,)?]),* $(,)? }
            actors { $($amodule:ident: [$($acase:ident),* $(,)?]),* $(,)? }
        }
        local {
            singles { $($lmodule:ident: [$($lcase:ident),* $(,)?]),* $(,)? }
            pairs { $($pmodule:ident: [$($pcase:ident),* $(,)?]),* $(,)? }
            sources { $($smodule:ident: [$($scase:ident),* $(,)?]),* $(,)? }
        }
    ) => {
        $crate::__case_names!(@$group
            [
                $($(concat!(stringify!($module), "::", stringify!($case)),)*)*
                $($(concat!(stringify!($amodule), "::", stringify!($acase)),)*)*
            ]
            [
                $($(concat!(stringify!($lmodule), "::", stringify!($lcase)),)*)*
                $($(concat!(stringify!($pmodule), "::", stringify!($pcase)),)*)*
                $($(concat!(stringify!($smodule), "::", stringify!($scase)),)*)*
            ]
        )
    };
    (@all [$($api:expr,)*] [$($local:expr,)*]) => { &[$($api,)* $($local,)*] };
    (@api [$($api:expr,)*] [$($local:expr,)*]) => { &[$($api,)*] };
}

/// Every case, as `module::case`.
pub const CASE_NAMES: &[&str] = for_each_case!([__case_names](all));

/// The cases of the `api` group, which also run through HTTP.
pub const API_CASE_NAMES: &[&str] = for_each_case!([__case_names](api));

#[cfg(test)]
mod tests {
    /// A case written but missing from the list would silently never run.
    #[test]
    fn every_case_function_is_in_the_list() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/cases");
        let mut written = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let module = path.file_stem().unwrap().to_string_lossy().into_owned();
            if module == "mod" {
                continue;
            }
            for line in std::fs::read_to_string(&path).unwrap().lines() {
                if let Some(rest) = line.strip_prefix("pub async fn ") {
                    let name = rest.split(['(', '<']).next().unwrap();
                    written.push(format!("{module}::{name}"));
                }
            }
        }
        written.sort();
        let mut listed: Vec<String> = super::CASE_NAMES.iter().map(|s| s.to_string()).collect();
        listed.sort();
        assert_eq!(written, listed, "src/cases and for_each_case! must name the same cases");
        assert!(listed.len() >= 80, "{} cases", listed.len());
        assert!(
            super::API_CASE_NAMES.len() >= 130,
            "{} api cases",
            super::API_CASE_NAMES.len()
        );
    }
}
