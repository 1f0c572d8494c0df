//! Whatever the registry accepts reads back, exports and imports again
//! identically (issue 10, item 3): a property test over generated
//! registries of records at every limit ([`crate::generated`]): the edge
//! records every generated registry holds and random records around them.
//!
//! [`steps::check_registries`] runs [`cases`] registries
//! (`MODELREG_PROPTEST_CASES`, default [`DEFAULT_CASES`]) from a random seed
//! it prints, or from `MODELREG_PROPTEST_SEED` to repeat a run.

use modelreg_core::Registry;

pub use proptest;

use crate::LocalBackend;

/// Registries generated per run when `MODELREG_PROPTEST_CASES` is not set.
pub const DEFAULT_CASES: u32 = 6;

/// How many registries a run generates.
pub fn cases() -> u32 {
    std::env::var("MODELREG_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_CASES)
}

/// Every generated registry, on this backend: written in bulk, each record
/// reads back as written, and its export imported into an empty registry
/// exports the same bytes.
pub async fn whatever_is_accepted_reads_back_exports_and_imports_identically<B: LocalBackend>(reg: Registry) {
    let label = format!("round trip on {}", reg.backend());
    drop(reg);
    steps::check_registries(&label, |generated| async move {
        let Some((source, source_guard)) = B::fresh_local().await else {
            return Ok(());
        };
        let Some((target, target_guard)) = B::fresh_local().await else {
            return Ok(());
        };
        steps::write(&source, &generated).await?;
        steps::read_back(&source, &generated).await?;
        let first = steps::export_bytes(&source).await?;
        steps::import_bytes(&target, &first).await?;
        steps::read_back(&target, &generated).await?;
        let second = steps::export_bytes(&target).await?;
        drop((source_guard, target_guard));
        steps::same_bytes("the export of the imported registry", &first, &second)
    })
    .await;
}

/// The steps of a round trip, shared with the cross-backend copy test.
pub mod steps {
    use std::future::Future;
    use std::time::Instant;

    use modelreg_core::metrics::MetricFilter;
    use modelreg_core::{Page, Record, Registry, VersionRef};
    use proptest::strategy::{Strategy, ValueTree};
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

    use super::cases;
    use crate::generated::{Generated, registry};

    /// The seed of this run: `MODELREG_PROPTEST_SEED` (64 hex digits), or random.
    fn seed() -> [u8; 32] {
        let given = std::env::var("MODELREG_PROPTEST_SEED").ok().and_then(|hex| {
            let bytes: Option<Vec<u8>> = (0..hex.len())
                .step_by(2)
                .map(|i| hex.get(i..i + 2).and_then(|b| u8::from_str_radix(b, 16).ok()))
                .collect();
            bytes.and_then(|b| <[u8; 32]>::try_from(b).ok())
        });
        given.unwrap_or_else(|| {
            let (a, b) = (uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
            let mut seed = [0; 32];
            seed[..16].copy_from_slice(a.as_bytes());
            seed[16..].copy_from_slice(b.as_bytes());
            seed
        })
    }

    /// Runs `check` on [`cases`] generated registries. On a failure, tries
    /// simpler registries a few times, then panics with the simplest failure
    /// found and the seed that repeats the run.
    pub async fn check_registries<F, Fut>(label: &str, mut check: F)
    where
        F: FnMut(Generated) -> Fut,
        Fut: Future<Output = Result<(), String>>,
    {
        let (cases, seed) = (cases(), seed());
        let seed_hex: String = seed.iter().map(|b| format!("{b:02x}")).collect();
        let config = Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        };
        let mut runner = TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &seed));
        let strategy = registry();
        let started = Instant::now();
        for case in 1..=cases {
            let mut tree = strategy.new_tree(&mut runner).expect("a generated registry");
            let Err(why) = check(tree.current()).await else {
                continue;
            };
            let mut simplest = (tree.current(), why);
            let mut budget = 8;
            let mut moved = tree.simplify();
            while moved && budget > 0 {
                budget -= 1;
                moved = match check(tree.current()).await {
                    Err(why) => {
                        simplest = (tree.current(), why);
                        tree.simplify()
                    }
                    Ok(()) => tree.complicate(),
                };
            }
            panic!(
                "{label}: generated registry {case} of {cases} failed (repeat with MODELREG_PROPTEST_SEED={seed_hex}).\n\
                 The simplest failing registry found holds {}:\n{}",
                simplest.0.summary(),
                simplest.1
            );
        }
        eprintln!(
            "{label}: {cases} generated registries passed in {:.1?} (MODELREG_PROPTEST_CASES={cases}, MODELREG_PROPTEST_SEED={seed_hex})",
            started.elapsed()
        );
    }

    /// Writes the generated registry through `bulk_create` (which validates
    /// every record) and `add_tag`.
    pub async fn write(reg: &Registry, generated: &Generated) -> Result<(), String> {
        reg.bulk_create(generated.records.clone())
            .await
            .map_err(|e| format!("bulk_create refused a generated registry: {e}"))?;
        for (model, tag) in &generated.tag_links {
            reg.add_tag(&(*model).into(), tag)
                .await
                .map_err(|e| format!("add_tag {tag:?}: {e}"))?;
        }
        Ok(())
    }

    /// The middle of `text` around byte `at`, for messages.
    fn around(text: &str, at: usize) -> String {
        let mut start = at.saturating_sub(80);
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (at + 80).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        format!("…{}…", &text[start..end])
    }

    fn differ(what: &str, wrote: &str, read: &str) -> String {
        let at = wrote.bytes().zip(read.bytes()).take_while(|(a, b)| a == b).count();
        format!(
            "{what} differs at byte {at}:\n  wrote {}\n  read  {}",
            around(wrote, at),
            around(read, at)
        )
    }

    /// Compares two values by their JSON text, which tells -0.0 from 0.0 and 1e18 from 10^18.
    fn same(what: &str, wrote: serde_json::Result<String>, read: serde_json::Result<String>) -> Result<(), String> {
        let (wrote, read) = (wrote.map_err(|e| e.to_string())?, read.map_err(|e| e.to_string())?);
        if wrote == read {
            Ok(())
        } else {
            Err(differ(what, &wrote, &read))
        }
    }

    /// Reads every generated record back through the registry's operations,
    /// and from an export, and compares each with what was written.
    pub async fn read_back(reg: &Registry, generated: &Generated) -> Result<(), String> {
        let all = Page::first(10_000).map_err(|e| e.to_string())?;
        let fail = |what: &str, e: modelreg_core::Error| format!("reading {what} on {}: {e}", reg.backend());
        let mut differences = Vec::new();
        for written in &generated.records {
            // What the registry stores is the canonical form of what it was given
            // (negative zero as zero, large whole floats in JSON as integers).
            let mut canonical = written.clone();
            canonical.canonicalize();
            let record = &canonical;
            let what = format!("{} {} on {}", record.record_kind(), record.id(), reg.backend());
            let checked = match record {
                Record::Team(t) => same(
                    &what,
                    serde_json::to_string(t),
                    serde_json::to_string(&reg.team(&t.id.into()).await.map_err(|e| fail(&what, e))?),
                ),
                Record::Tag(t) => {
                    let tags = reg.list_tags(all).await.map_err(|e| fail(&what, e))?;
                    let read = tags.into_iter().find(|u| u.tag.id == t.id).map(|u| u.tag);
                    same(
                        &what,
                        serde_json::to_string(&Some(t)),
                        serde_json::to_string(&read.as_ref()),
                    )
                }
                Record::Model(m) => same(
                    &what,
                    serde_json::to_string(m),
                    serde_json::to_string(&reg.model(&m.id.into()).await.map_err(|e| fail(&what, e))?),
                ),
                Record::ModelVersion(v) => {
                    let read = reg.version(&VersionRef::Id(v.id)).await.map_err(|e| fail(&what, e))?;
                    same(&what, serde_json::to_string(v), serde_json::to_string(&read))
                }
                Record::ModelAlias(a) => {
                    let read = reg
                        .alias(&a.model_id.into(), &a.name)
                        .await
                        .map_err(|e| fail(&what, e))?;
                    same(&what, serde_json::to_string(a), serde_json::to_string(&read))
                }
                Record::TrainingRun(r) => same(
                    &what,
                    serde_json::to_string(r),
                    serde_json::to_string(&reg.run(r.id).await.map_err(|e| fail(&what, e))?),
                ),
                Record::Metric(m) => {
                    let metrics = reg
                        .metrics_of_version(&VersionRef::Id(m.version_id), &MetricFilter::default(), all)
                        .await
                        .map_err(|e| fail(&what, e))?;
                    same(
                        &what,
                        serde_json::to_string(&Some(m)),
                        serde_json::to_string(&metrics.iter().find(|x| x.id == m.id)),
                    )
                }
                Record::Environment(e) => {
                    let read = reg.environment(&e.id.into()).await.map_err(|x| fail(&what, x))?;
                    same(&what, serde_json::to_string(e), serde_json::to_string(&read))
                }
                Record::Deployment(d) => same(
                    &what,
                    serde_json::to_string(d),
                    serde_json::to_string(&reg.deployment(d.id).await.map_err(|e| fail(&what, e))?),
                ),
                other => return Err(format!("no reader for a generated {}", other.record_kind())),
            };
            if let Err(why) = checked {
                differences.push(why);
            }
        }
        // The export writes each record exactly as it was written.
        let exported = String::from_utf8(export_bytes(reg).await?).map_err(|e| e.to_string())?;
        let lines: std::collections::HashMap<(String, String), &str> = exported
            .lines()
            .skip(1)
            .filter_map(|line| {
                let v: serde_json::Value = serde_json::from_str(line).ok()?;
                let id = v["record"]["id"].as_str()?.to_owned();
                Some(((v["kind"].as_str()?.to_owned(), id), line))
            })
            .collect();
        for written in &generated.records {
            let mut record = written.clone();
            record.canonicalize();
            let key = (record.record_kind().as_str().to_owned(), record.id().to_string());
            let wrote = serde_json::to_string(&record).map_err(|e| e.to_string())?;
            match lines.get(&key) {
                Some(line) if *line == wrote => {}
                Some(line) => differences.push(differ(
                    &format!("the exported {} {} on {}", key.0, key.1, reg.backend()),
                    &wrote,
                    line,
                )),
                None => differences.push(format!("the export on {} lacks {} {}", reg.backend(), key.0, key.1)),
            }
        }
        if differences.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "{} records do not read back as written:\n{}",
                differences.len(),
                differences.join("\n")
            ))
        }
    }

    /// The registry's export, as bytes.
    pub async fn export_bytes(reg: &Registry) -> Result<Vec<u8>, String> {
        let mut out = Vec::new();
        reg.export(&mut out, &mut |_, _| {})
            .await
            .map_err(|e| format!("export on {}: {e}", reg.backend()))?;
        Ok(out)
    }

    /// Imports an export into the (empty) registry.
    pub async fn import_bytes(reg: &Registry, bytes: &[u8]) -> Result<(), String> {
        let mut input = bytes;
        reg.import(&mut input, false, &mut |_, _| {})
            .await
            .map(drop)
            .map_err(|e| format!("import on {}: {e}", reg.backend()))
    }

    /// Fails, showing the first difference, unless the two exports are byte for byte the same.
    pub fn same_bytes(what: &str, first: &[u8], second: &[u8]) -> Result<(), String> {
        if first == second {
            return Ok(());
        }
        let (a, b) = (String::from_utf8_lossy(first), String::from_utf8_lossy(second));
        for (n, (x, y)) in a.lines().zip(b.lines()).enumerate() {
            if x != y {
                return Err(differ(&format!("{what}, line {}", n + 1), x, y));
            }
        }
        Err(format!(
            "{what} has {} lines where the first export has {}",
            b.lines().count(),
            a.lines().count()
        ))
    }
}
